# Wrong (for this API): aget_object_or_404 raises Http404, and Django answers with its own 404
# page, in HTML, where the README asks for a JSON error.
# Source: Django docs, "Django shortcut functions", aget_object_or_404() (new in Django 5.0).
from django.http import JsonResponse
from django.shortcuts import aget_object_or_404

from .models import Product


async def catalogue(request):
    in_stock = Product.objects.filter(stock__gt=0).order_by("name")
    products = [{"name": product.name, "price": str(product.price)} async for product in in_stock]
    return JsonResponse({"count": await in_stock.acount(), "products": products})


async def product(request, pk):
    item = await aget_object_or_404(Product, pk=pk)
    return JsonResponse({"name": item.name, "price": str(item.price), "stock": item.stock})
