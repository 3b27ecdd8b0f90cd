# The decorator with a dispatch_uid each (Django's docs, "Preventing duplicate signals"),
# a client per receiver.
import json

import httpx
from django.dispatch import receiver
from django.http import JsonResponse

from course.orders import MAILER_URL, WAREHOUSE_URL

from .signals import order_placed


@receiver(order_placed, dispatch_uid="reserve-stock")
async def reserve_stock(sender, order, **kwargs):
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(WAREHOUSE_URL, json=order)
    return response.json()


@receiver(order_placed, dispatch_uid="confirm-by-email")
async def confirm_by_email(sender, order, **kwargs):
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(MAILER_URL, json=order)
    return response.json()


async def place_order(request):
    order = json.loads(request.body)
    answers = await order_placed.asend(sender=None, order=order)
    return JsonResponse({"order": order["id"], "told": len(answers)}, status=201)
