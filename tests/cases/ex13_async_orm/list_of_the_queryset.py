# A typical first attempt: `acount()` and `aget()` are in, but `list(queryset)`
# still evaluates the queryset synchronously.
from django.http import JsonResponse

from .models import Product


async def catalogue(request):
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    # wrong: list() runs the query on the event loop
    products = [{"name": p.name, "price": str(p.price)} for p in list(in_stock)]
    return JsonResponse({"count": await in_stock.acount(), "products": products})


async def product(request, pk):
    try:
        item = await Product.objects.aget(pk=pk)
    except Product.DoesNotExist:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
