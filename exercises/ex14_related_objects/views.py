"""Exercise 14 — related objects.

Each product has a maker (a foreign key). Reading `product.maker` the first
time runs a query for that maker, and so does `maker.products.all()` for each
maker: lazy queries. In async code each one is refused, and in sync code it
would be one more query per row (the N+1 problem).
"""

from django.http import HttpRequest, JsonResponse

from .models import Maker, Product


async def catalogue(request: HttpRequest) -> JsonResponse:
    # TODO: fetch each product's maker in the same query: `.select_related("maker")`
    products = Product.objects.order_by("name")
    items = [{"name": product.name, "maker": product.maker.name} async for product in products]
    return JsonResponse({"products": items})


async def makers(request: HttpRequest) -> JsonResponse:
    # TODO: fetch every maker's products at once: `.prefetch_related("products")`
    makers = Maker.objects.order_by("name")
    items = [
        {"maker": maker.name, "products": [product.name for product in maker.products.all()]}
        async for maker in makers
    ]
    return JsonResponse({"makers": items})
