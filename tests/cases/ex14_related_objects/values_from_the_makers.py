# Right: the makers' rows joined to their products (a LEFT OUTER JOIN, so a maker without
# products comes once, with None), grouped in Python.
# Source: Django docs, "QuerySet API reference", values(): "you can also refer to fields on
# related models with reverse relations" (`values("name", "products__name")`).
from django.http import JsonResponse

from .models import Maker, Product


async def catalogue(request):
    rows = Product.objects.order_by("name").values("name", "maker__name")
    items = [{"name": row["name"], "maker": row["maker__name"]} async for row in rows]
    return JsonResponse({"products": items})


async def makers(request):
    rows = Maker.objects.order_by("name", "products__name").values("id", "name", "products__name")
    grouped = {}
    async for row in rows:
        maker = grouped.setdefault(row["id"], {"maker": row["name"], "products": []})
        if row["products__name"] is not None:
            maker["products"].append(row["products__name"])
    return JsonResponse({"makers": list(grouped.values())})
