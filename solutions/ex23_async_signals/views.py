"""Exercise 23 — everyone who listens (solved).

Async receivers, each awaiting its service, and the signal sent with
`asend`: Django runs the async receivers side by side (asyncio.gather).
"""

import json

import httpx
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse

from course.orders import MAILER_URL, WAREHOUSE_URL

from .signals import order_placed


async def tell(url: str, order: dict) -> dict:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(url, json=order)
        return response.json()


@receiver(order_placed)
async def reserve_stock(sender, order, **kwargs):
    return await tell(WAREHOUSE_URL, order)


@receiver(order_placed)
async def confirm_by_email(sender, order, **kwargs):
    return await tell(MAILER_URL, order)


async def place_order(request: HttpRequest) -> JsonResponse:
    order = json.loads(request.body)
    answers = await order_placed.asend(sender=None, order=order)
    return JsonResponse({"order": order["id"], "told": len(answers)}, status=201)
