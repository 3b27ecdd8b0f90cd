# Source: Django docs, "QuerySet API reference": `afirst()` returns None when
# nothing matches, and `aiterator()` streams rows with `async for`.
from django.http import JsonResponse

from .models import Product


async def catalogue(request):
    # right: async iteration of the queryset, counted in Python
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    products = [
        {"name": product.name, "price": str(product.price)}
        async for product in in_stock.aiterator()
    ]
    return JsonResponse({"count": len(products), "products": products})


async def product(request, pk):
    item = await Product.objects.filter(pk=pk).afirst()
    if item is None:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
