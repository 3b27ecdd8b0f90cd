# Wrong: the decorators stacked the other way round: atomic wraps the coroutine function,
# so it opens its transaction on the event loop, around a call that only makes a coroutine.
# Source: asgiref README ("sync_to_async ... can be used as a decorator") with Django's
# `@transaction.atomic`, stacked in the order a reader might guess.
import json

from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


@transaction.atomic
@sync_to_async
def place(customer, lines):
    order = Order.objects.create(customer=customer)
    for line in lines:
        Product.objects.filter(pk=line["product"]).update(stock=F("stock") - line["quantity"])
        OrderLine.objects.create(order=order, product_id=line["product"], quantity=line["quantity"])
    return order.pk


async def place_order(request):
    data = json.loads(request.body)
    return JsonResponse({"order": await place(data["customer"], data["lines"])}, status=201)
