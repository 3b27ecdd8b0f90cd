# Seen in Q&A threads: `@transaction.atomic` put on an async view, as on a sync one.
import json

from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


@transaction.atomic
async def place_order(request):
    # wrong: the decorator's transaction ends before the coroutine even starts
    data = json.loads(request.body)
    order = await Order.objects.acreate(customer=data["customer"])
    for line in data["lines"]:
        taken = F("stock") - line["quantity"]
        await Product.objects.filter(pk=line["product"]).aupdate(stock=taken)
        await OrderLine.objects.acreate(
            order=order, product_id=line["product"], quantity=line["quantity"]
        )
    return JsonResponse({"order": order.pk}, status=201)
