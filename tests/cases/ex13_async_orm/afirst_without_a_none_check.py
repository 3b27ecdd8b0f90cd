# Wrong: afirst() returns None when nothing matches (it raises no DoesNotExist), and the view
# reads the name of None.
# Source: Django docs, "QuerySet API reference", first(): "Returns the first object matched by
# the queryset, or None if there is no matching object" (afirst() is its async twin).
from django.http import JsonResponse

from .models import Product


async def catalogue(request):
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    products = [{"name": product.name, "price": str(product.price)} async for product in in_stock]
    return JsonResponse({"count": await in_stock.acount(), "products": products})


async def product(request, pk):
    item = await Product.objects.filter(pk=pk).afirst()
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
