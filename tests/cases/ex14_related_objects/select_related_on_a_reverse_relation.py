# A typical mix-up (Stack Overflow: "select_related on a reverse foreign key"):
# select_related follows foreign keys only; a maker's products need prefetch.
from django.http import JsonResponse

from .models import Maker, Product


async def catalogue(request):
    products = Product.objects.select_related("maker").order_by("name")
    items = [{"name": p.name, "maker": p.maker.name} async for p in products]
    return JsonResponse({"products": items})


async def makers(request):
    # wrong: "products" is not a foreign key of Maker
    makers = Maker.objects.select_related("products").order_by("name")
    items = [
        {"maker": m.name, "products": [p.name for p in m.products.all()]} async for m in makers
    ]
    return JsonResponse({"makers": items})
