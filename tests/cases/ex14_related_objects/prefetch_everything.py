# Source: Django docs, prefetch_related(): it "can also be used for foreign
# keys", at the cost of one more query than select_related.
from django.http import JsonResponse

from .models import Maker, Product


async def catalogue(request):
    # right: two queries whatever the number of products
    products = Product.objects.prefetch_related("maker").order_by("name")
    items = [{"name": p.name, "maker": p.maker.name} async for p in products]
    return JsonResponse({"products": items})


async def makers(request):
    makers = Maker.objects.prefetch_related("products").order_by("name")
    items = [
        {"maker": m.name, "products": [p.name for p in m.products.all()]} async for m in makers
    ]
    return JsonResponse({"makers": items})
