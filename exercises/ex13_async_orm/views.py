"""Exercise 13 — the async ORM.

The shop's catalogue lives in the database now. These views query it the
sync way, and in an `async def` view Django refuses: each sync query raises
SynchronousOnlyOperation, because it would hold the event loop while the
database answers.
"""

from django.http import HttpRequest, JsonResponse

from .models import Product


async def catalogue(request: HttpRequest) -> JsonResponse:
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    # TODO: use the async twins: `await in_stock.acount()`, and `async for`.
    products = [{"name": product.name, "price": str(product.price)} for product in in_stock]
    return JsonResponse({"count": in_stock.count(), "products": products})


async def product(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        # TODO: `await Product.objects.aget(pk=pk)`
        item = Product.objects.get(pk=pk)
    except Product.DoesNotExist:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
