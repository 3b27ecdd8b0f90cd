# A typical slip: the async method's name, but no `await` before it.
from django.http import JsonResponse

from .models import Product


async def catalogue(request):
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    products = [{"name": p.name, "price": str(p.price)} async for p in in_stock]
    return JsonResponse({"count": await in_stock.acount(), "products": products})


async def product(request, pk):
    try:
        # wrong: without await, `item` is a coroutine, not a product
        item = Product.objects.aget(pk=pk)
    except Product.DoesNotExist:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
