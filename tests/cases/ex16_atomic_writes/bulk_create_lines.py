# Right: one atomic function writes the lines with one bulk_create (one INSERT for all rows).
# Source: Django docs, "QuerySet API reference", bulk_create(), and "Database transactions"
# (`@transaction.atomic`); called through sync_to_async, as in "Asynchronous support".
import json

from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


@transaction.atomic
def place(customer, lines):
    order = Order.objects.create(customer=customer)
    for line in lines:
        Product.objects.filter(pk=line["product"]).update(stock=F("stock") - line["quantity"])
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product_id=line["product"], quantity=line["quantity"])
        for line in lines
    )
    return order.pk


async def place_order(request):
    data = json.loads(request.body)
    order = await sync_to_async(place)(data["customer"], data["lines"])
    return JsonResponse({"order": order}, status=201)
