# Source: Django docs, "Writing views" and "Making queries": plain `def` views
# with the sync ORM. Django runs a sync view in a worker thread under ASGI.
from django.http import JsonResponse

from .models import Product


def catalogue(request):
    # right: sync queries are allowed in the worker thread of a sync view
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    products = [{"name": p.name, "price": str(p.price)} for p in in_stock]
    return JsonResponse({"count": len(products), "products": products})


def product(request, pk):
    try:
        item = Product.objects.get(pk=pk)
    except Product.DoesNotExist:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
