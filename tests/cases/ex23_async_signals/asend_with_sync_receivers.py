# asend() with the receivers left sync: Django runs sync receivers one after another, in a
# worker thread (its docs: "grouped and called behind a sync_to_async() adaption").
import json

import httpx
from django.dispatch import receiver
from django.http import JsonResponse

from course.orders import MAILER_URL, WAREHOUSE_URL

from .signals import order_placed


@receiver(order_placed)
def reserve_stock(sender, order, **kwargs):
    return httpx.post(WAREHOUSE_URL, json=order, timeout=10).json()


@receiver(order_placed)
def confirm_by_email(sender, order, **kwargs):
    return httpx.post(MAILER_URL, json=order, timeout=10).json()


async def place_order(request):
    order = json.loads(request.body)
    answers = await order_placed.asend(sender=None, order=order)
    return JsonResponse({"order": order["id"], "told": len(answers)}, status=201)
