# Source: Django docs, "QuerySet API reference": aprefetch_related_objects()
# (new in Django 5.0) prefetches on model instances already fetched.
from django.db.models import aprefetch_related_objects
from django.http import JsonResponse

from .models import Maker, Product


async def catalogue(request):
    # right: one query for the products, one for all their makers
    products = [product async for product in Product.objects.order_by("name")]
    await aprefetch_related_objects(products, "maker")
    items = [{"name": product.name, "maker": product.maker.name} for product in products]
    return JsonResponse({"products": items})


async def makers(request):
    makers = [maker async for maker in Maker.objects.order_by("name")]
    await aprefetch_related_objects(makers, "products")
    items = [{"maker": m.name, "products": [p.name for p in m.products.all()]} for m in makers]
    return JsonResponse({"makers": items})
