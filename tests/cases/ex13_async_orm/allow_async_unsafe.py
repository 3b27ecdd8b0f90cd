# Source: Django docs, "Async safety": DJANGO_ALLOW_ASYNC_UNSAFE switches off the
# SynchronousOnlyOperation check ("If you do this, and ... you are using
# asynchronous code, you will need to be careful"); a Stack Overflow answer
# offers it as the fix for "You cannot call this from an async context".
import os

from django.http import JsonResponse

from .models import Product

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


async def catalogue(request):
    # wrong: the check is gone, but each query still holds the event loop
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    products = [{"name": product.name, "price": str(product.price)} for product in in_stock]
    return JsonResponse({"count": in_stock.count(), "products": products})


async def product(request, pk):
    try:
        item = Product.objects.get(pk=pk)
    except Product.DoesNotExist:
        return JsonResponse({"error": "no such product"}, status=404)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
