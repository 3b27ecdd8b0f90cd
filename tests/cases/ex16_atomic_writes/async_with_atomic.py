# A guess at an async form that Django 5.2 and 6.x do not have.
import json

from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


async def place_order(request):
    data = json.loads(request.body)
    # wrong: Atomic is a sync context manager only
    async with transaction.atomic():
        order = await Order.objects.acreate(customer=data["customer"])
        for line in data["lines"]:
            taken = F("stock") - line["quantity"]
            await Product.objects.filter(pk=line["product"]).aupdate(stock=taken)
            await OrderLine.objects.acreate(
                order=order, product_id=line["product"], quantity=line["quantity"]
            )
    return JsonResponse({"order": order.pk}, status=201)
