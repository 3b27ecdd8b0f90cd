"""Exercise 16 — all or nothing.

Placing an order writes several rows: the order, then for each line the
product's new stock and the order line. They are written in one transaction,
in one plain function (Django's transactions are sync only), which the view
runs in a worker thread: if any write fails, none stays.
"""

import json

from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse

from .models import Order, OrderLine, Product


@transaction.atomic
def place(customer: str, lines: list[dict]) -> int:
    order = Order.objects.create(customer=customer)
    for line in lines:
        taken = F("stock") - line["quantity"]
        Product.objects.filter(pk=line["product"]).update(stock=taken)
        OrderLine.objects.create(order=order, product_id=line["product"], quantity=line["quantity"])
    return order.pk


async def place_order(request: HttpRequest) -> JsonResponse:
    data = json.loads(request.body)
    order = await sync_to_async(place)(data["customer"], data["lines"])
    return JsonResponse({"order": order}, status=201)
