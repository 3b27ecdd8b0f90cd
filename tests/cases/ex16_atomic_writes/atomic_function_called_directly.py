# The right function, called the wrong way: directly from the async view.
import json

from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


@transaction.atomic
def place(customer, lines):
    order = Order.objects.create(customer=customer)
    for line in lines:
        Product.objects.filter(pk=line["product"]).update(stock=F("stock") - line["quantity"])
        OrderLine.objects.create(order=order, product_id=line["product"], quantity=line["quantity"])
    return order.pk


async def place_order(request):
    data = json.loads(request.body)
    # wrong: on the event loop, the transaction cannot begin
    order = place(data["customer"], data["lines"])
    return JsonResponse({"order": order}, status=201)
