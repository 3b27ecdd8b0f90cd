# Source: Django docs, "Database transactions": `@transaction.atomic` on a
# view function. A plain `def` view runs in a worker thread under ASGI.
import json

from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .models import Order, OrderLine, Product


@transaction.atomic
def place_order(request):
    # right: the whole sync view is one transaction
    data = json.loads(request.body)
    order = Order.objects.create(customer=data["customer"])
    for line in data["lines"]:
        Product.objects.filter(pk=line["product"]).update(stock=F("stock") - line["quantity"])
        OrderLine.objects.create(order=order, product_id=line["product"], quantity=line["quantity"])
    return JsonResponse({"order": order.pk}, status=201)
