# The shipped loops moved into a sync function run by sync_to_async: no error
# any more, but every product still fetches its maker with a query of its own.
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from .models import Maker, Product


@sync_to_async
def catalogue_rows():
    return [{"name": p.name, "maker": p.maker.name} for p in Product.objects.order_by("name")]


@sync_to_async
def maker_rows():
    makers = Maker.objects.order_by("name")
    # wrong: a query per maker
    return [{"maker": m.name, "products": [p.name for p in m.products.all()]} for m in makers]


async def catalogue(request):
    return JsonResponse({"products": await catalogue_rows()})


async def makers(request):
    return JsonResponse({"makers": await maker_rows()})
