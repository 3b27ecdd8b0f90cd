# Async receivers, but the signal still sent with send(): Django 5.0's send() runs async
# receivers through async_to_sync, which refuses to run on the event loop.
import json

import httpx
from django.dispatch import receiver
from django.http import JsonResponse

from course.orders import MAILER_URL, WAREHOUSE_URL

from .signals import order_placed


async def tell(url, order):
    async with httpx.AsyncClient(timeout=10) as client:
        return (await client.post(url, json=order)).json()


@receiver(order_placed)
async def reserve_stock(sender, order, **kwargs):
    return await tell(WAREHOUSE_URL, order)


@receiver(order_placed)
async def confirm_by_email(sender, order, **kwargs):
    return await tell(MAILER_URL, order)


async def place_order(request):
    order = json.loads(request.body)
    answers = order_placed.send(sender=None, order=order)
    return JsonResponse({"order": order["id"], "told": len(answers)}, status=201)
