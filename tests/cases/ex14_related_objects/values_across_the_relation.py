# Wrong (the makers page): grouping the products by maker drops a maker who has no products.
# Source: Django docs, "QuerySet API reference", values(): "you can also refer
# to fields on related models with reverse relations through OneToOneField,
# ForeignKey and ManyToManyField attributes" (`values("maker__name")`); the grouping is
# what Django's `{% regroup %}` tag does ("Built-in template tags and filters").
from django.http import JsonResponse

from .models import Product


async def catalogue(request):
    # right: the maker's name comes in the same query, as a plain value
    rows = Product.objects.order_by("name").values("name", "maker__name")
    items = [{"name": row["name"], "maker": row["maker__name"]} async for row in rows]
    return JsonResponse({"products": items})


async def makers(request):
    # wrong: only makers that have a product appear in the products' rows
    rows = Product.objects.order_by("maker__name", "name").values("maker__name", "name")
    grouped = {}
    async for row in rows:
        grouped.setdefault(row["maker__name"], []).append(row["name"])
    items = [{"maker": maker, "products": products} for maker, products in grouped.items()]
    return JsonResponse({"makers": items})
