"""Exercise 03 — a sleep that stops the world.

The kitchen needs a moment before an order is ready, so the view pauses for
`PREPARATION_TIME` seconds. It pauses with `time.sleep()`, which freezes the
thread it runs on. In an async view that thread is the event loop's: while
one order is being prepared, no other request is served at all.
"""

import time

from django.http import HttpRequest, JsonResponse

PREPARATION_TIME = 0.2  # seconds


async def order_status(request: HttpRequest) -> JsonResponse:
    # TODO: pause only this request, not the whole server: `await asyncio.sleep(...)`.
    time.sleep(PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
