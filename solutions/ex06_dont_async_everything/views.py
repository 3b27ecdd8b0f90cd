"""Exercise 06 — don't async everything.

Hashing is CPU work: it never awaits. `asyncio.to_thread()` runs it in a
worker thread, so the event loop serves other requests while it computes.
"""

import asyncio
import json

from django.http import HttpRequest, JsonResponse

from .passwords import hash_password


async def register(request: HttpRequest) -> JsonResponse:
    password = json.loads(request.body)["password"]
    digest = await asyncio.to_thread(hash_password, password)
    return JsonResponse({"digest": digest})
