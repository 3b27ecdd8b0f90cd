# A common answer to "You cannot call this from an async context" on a foreign
# key (Stack Overflow): wrap each attribute read in sync_to_async. It runs, but
# with one query per product: the N+1 problem, now in worker threads.
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from .models import Maker, Product


async def catalogue(request):
    items = []
    async for product in Product.objects.order_by("name"):
        # wrong: one more query (and thread hop) for every product
        maker = await sync_to_async(lambda product=product: product.maker)()
        items.append({"name": product.name, "maker": maker.name})
    return JsonResponse({"products": items})


async def makers(request):
    makers = Maker.objects.prefetch_related("products").order_by("name")
    items = [
        {"maker": m.name, "products": [p.name for p in m.products.all()]} async for m in makers
    ]
    return JsonResponse({"makers": items})
