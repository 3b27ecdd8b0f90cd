# Validate first, then write: no transaction, so a failure while writing
# (a constraint, a lost connection) still leaves the first writes behind.
import json

from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


async def place_order(request):
    data = json.loads(request.body)
    for line in data["lines"]:
        product = await Product.objects.aget(pk=line["product"])
        if product.stock < line["quantity"]:
            return JsonResponse({"error": f"not enough {product.name}"}, status=409)
    # wrong: each write below is still committed on its own
    order = await Order.objects.acreate(customer=data["customer"])
    for line in data["lines"]:
        taken = F("stock") - line["quantity"]
        await Product.objects.filter(pk=line["product"]).aupdate(stock=taken)
        await OrderLine.objects.acreate(
            order=order, product_id=line["product"], quantity=line["quantity"]
        )
    return JsonResponse({"order": order.pk}, status=201)
