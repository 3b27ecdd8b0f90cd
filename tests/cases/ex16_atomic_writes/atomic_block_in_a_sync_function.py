# Source: Django docs, "Database transactions" (`with transaction.atomic():`)
# and "Asynchronous support" (sync_to_async around a sync function).
import json

from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


def place(data):
    # right: every write inside one atomic block, in a worker thread
    with transaction.atomic():
        order = Order.objects.create(customer=data["customer"])
        for line in data["lines"]:
            Product.objects.filter(pk=line["product"]).update(stock=F("stock") - line["quantity"])
            OrderLine.objects.create(
                order=order, product_id=line["product"], quantity=line["quantity"]
            )
    return order.pk


async def place_order(request):
    order = await sync_to_async(place)(json.loads(request.body))
    return JsonResponse({"order": order}, status=201)
