# Wrong: `async for` over .iterator(), a sync generator; its async twin is aiterator().
# Source: Django docs, "QuerySet API reference", iterator() and aiterator() ("Asynchronous
# version: aiterator()").
from django.http import JsonResponse

from .models import Product


async def catalogue(request):
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    products = [
        {"name": product.name, "price": str(product.price)} async for product in in_stock.iterator()
    ]
    return JsonResponse({"count": len(products), "products": products})


async def product(request, pk):
    try:
        item = await Product.objects.aget(pk=pk)
    except Product.DoesNotExist:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
