"""Exercise 16 — all or nothing.

Placing an order writes several rows: the order, then for each line the
product's new stock and the order line. Each write here is committed on its
own, so if the database fails at the third line, the order and the first
two lines stay written: a half-placed order, and stock taken for nothing.
"""

import json

from django.db.models import F
from django.http import HttpRequest, JsonResponse

from .models import Order, OrderLine, Product


async def place_order(request: HttpRequest) -> JsonResponse:
    data = json.loads(request.body)
    # TODO: make the writes all or nothing. Move them into one plain function under
    # `@transaction.atomic` and call it with `await sync_to_async(...)(...)`.
    order = await Order.objects.acreate(customer=data["customer"])
    for line in data["lines"]:
        taken = F("stock") - line["quantity"]
        await Product.objects.filter(pk=line["product"]).aupdate(stock=taken)
        await OrderLine.objects.acreate(
            order=order, product_id=line["product"], quantity=line["quantity"]
        )
    return JsonResponse({"order": order.pk}, status=201)
