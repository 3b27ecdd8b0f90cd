"""Exercise 23 — everyone who listens.

Placing an order sends `order_placed`; two receivers here tell a service
about it: the warehouse reserves its stock, the mailer confirms the order to
the customer. Each waits for its service with the sync httpx client, and the
view sends the signal the sync way.
"""

import json

import httpx
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse

from course.orders import MAILER_URL, WAREHOUSE_URL

from .signals import order_placed


# TODO: make both receivers async: `async def`, and an async HTTP client you `await`.
@receiver(order_placed)
def reserve_stock(sender, order, **kwargs):
    return httpx.post(WAREHOUSE_URL, json=order, timeout=10).json()


@receiver(order_placed)
def confirm_by_email(sender, order, **kwargs):
    return httpx.post(MAILER_URL, json=order, timeout=10).json()


async def place_order(request: HttpRequest) -> JsonResponse:
    order = json.loads(request.body)
    # TODO: send the signal the async way, so that async receivers run side by side.
    answers = order_placed.send(sender=None, order=order)
    return JsonResponse({"order": order["id"], "told": len(answers)}, status=201)
