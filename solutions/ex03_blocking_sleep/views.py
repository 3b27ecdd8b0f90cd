"""Exercise 03 — a sleep that stops the world.

The kitchen needs a moment before an order is ready, so the view pauses for
`PREPARATION_TIME` seconds. `await asyncio.sleep()` pauses only this request:
the event loop serves other requests meanwhile.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

PREPARATION_TIME = 0.2  # seconds


async def order_status(request: HttpRequest) -> JsonResponse:
    await asyncio.sleep(PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
