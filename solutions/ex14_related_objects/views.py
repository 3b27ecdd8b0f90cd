"""Exercise 14 — related objects.

Each product has a maker (a foreign key). The related rows come with the
main query: `select_related` joins each product's maker in, and
`prefetch_related` fetches every maker's products in one more query, so no
lazy query runs in the async view, and the number of queries stays the same
however many rows there are.
"""

from django.http import HttpRequest, JsonResponse

from .models import Maker, Product


async def catalogue(request: HttpRequest) -> JsonResponse:
    products = Product.objects.select_related("maker").order_by("name")
    items = [{"name": product.name, "maker": product.maker.name} async for product in products]
    return JsonResponse({"products": items})


async def makers(request: HttpRequest) -> JsonResponse:
    makers = Maker.objects.prefetch_related("products").order_by("name")
    items = [
        {"maker": maker.name, "products": [product.name for product in maker.products.all()]}
        async for maker in makers
    ]
    return JsonResponse({"makers": items})
