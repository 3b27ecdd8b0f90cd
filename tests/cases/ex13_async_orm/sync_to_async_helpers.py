# Source: Django docs, "Asynchronous support" (sync_to_async as a decorator:
# "@sync_to_async def get_all_users(): return list(User.objects.all())").
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from .models import Product


@sync_to_async
def products_in_stock():
    return list(Product.objects.filter(stock__gt=0).order_by("name").values("name", "price"))


@sync_to_async
def find_product(pk):
    return Product.objects.filter(pk=pk).first()


async def catalogue(request):
    # right: each helper runs its queries in a worker thread, awaited
    rows = await products_in_stock()
    products = [{"name": row["name"], "price": str(row["price"])} for row in rows]
    return JsonResponse({"count": len(products), "products": products})


async def product(request, pk):
    item = await find_product(pk)
    if item is None:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
