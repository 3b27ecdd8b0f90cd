"""Exercise 06 — don't async everything.

Registering a user hashes their password. Hashing is CPU work: it never
awaits, so inside an `async def` view it holds the event loop for its whole
run, and every other request waits. `async def` only helps code that waits.
"""

import json

from django.http import HttpRequest, JsonResponse

from .passwords import hash_password


async def register(request: HttpRequest) -> JsonResponse:
    password = json.loads(request.body)["password"]
    # TODO: run the hashing in a worker thread (`await asyncio.to_thread(...)`),
    # or make this view a plain `def`, which Django runs in a worker thread.
    digest = hash_password(password)
    return JsonResponse({"digest": digest})
