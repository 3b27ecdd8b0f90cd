# The catalogue fixed, the makers page forgotten.
from django.http import JsonResponse

from .models import Maker, Product


async def catalogue(request):
    products = Product.objects.select_related("maker").order_by("name")
    items = [{"name": p.name, "maker": p.maker.name} async for p in products]
    return JsonResponse({"products": items})


async def makers(request):
    makers = Maker.objects.order_by("name")
    # wrong: each maker's products are a lazy query
    items = [
        {"maker": m.name, "products": [p.name for p in m.products.all()]} async for m in makers
    ]
    return JsonResponse({"makers": items})
