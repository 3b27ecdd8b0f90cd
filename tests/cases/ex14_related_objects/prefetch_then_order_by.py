# Wrong: prefetches the products, then asks each maker for a new, ordered queryset of them,
# which runs a query per maker and ignores the prefetched rows.
# Source: Django docs, "QuerySet API reference", prefetch_related(): "any subsequent chained
# methods which imply a different database query will ignore previously cached results"
# (`pizza.toppings.filter(spicy=True)`); a sync function run through sync_to_async, as in
# "Asynchronous support".
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from .models import Maker, Product


async def catalogue(request):
    products = Product.objects.select_related("maker").order_by("name")
    items = [{"name": product.name, "maker": product.maker.name} async for product in products]
    return JsonResponse({"products": items})


def makers_page():
    makers = Maker.objects.prefetch_related("products").order_by("name")
    return [
        {"maker": maker.name, "products": [p.name for p in maker.products.order_by("name")]}
        for maker in makers
    ]


async def makers(request):
    return JsonResponse({"makers": await sync_to_async(makers_page)()})
