# The natural first attempt (asked again and again since Django 4.1, e.g.
# Django forum "transaction.atomic in async views"): atomic around the awaits.
import json

from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


async def place_order(request):
    data = json.loads(request.body)
    # wrong: atomic() needs the database connection, and this is the event loop
    with transaction.atomic():
        order = await Order.objects.acreate(customer=data["customer"])
        for line in data["lines"]:
            taken = F("stock") - line["quantity"]
            await Product.objects.filter(pk=line["product"]).aupdate(stock=taken)
            await OrderLine.objects.acreate(
                order=order, product_id=line["product"], quantity=line["quantity"]
            )
    return JsonResponse({"order": order.pk}, status=201)
