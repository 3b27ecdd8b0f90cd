"""Exercise 13 — the async ORM.

The shop's catalogue lives in the database now. In an `async def` view every
query goes through the ORM's async methods: `acount()`, `async for`, `aget()`.
"""

from django.http import HttpRequest, JsonResponse

from .models import Product


async def catalogue(request: HttpRequest) -> JsonResponse:
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    products = [{"name": product.name, "price": str(product.price)} async for product in in_stock]
    return JsonResponse({"count": await in_stock.acount(), "products": products})


async def product(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        item = await Product.objects.aget(pk=pk)
    except Product.DoesNotExist:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
