# Source: Django docs, "Asynchronous support": "the ORM ... you should use
# sync_to_async() ... write your ORM code in its own synchronous function".
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from .models import Maker, Product


def catalogue_rows():
    products = Product.objects.select_related("maker").order_by("name")
    return [{"name": p.name, "maker": p.maker.name} for p in products]


def maker_rows():
    makers = Maker.objects.prefetch_related("products").order_by("name")
    return [{"maker": m.name, "products": [p.name for p in m.products.all()]} for m in makers]


async def catalogue(request):
    # right: the sync function runs in a worker thread, with the related rows joined in
    return JsonResponse({"products": await sync_to_async(catalogue_rows)()})


async def makers(request):
    return JsonResponse({"makers": await sync_to_async(maker_rows)()})
