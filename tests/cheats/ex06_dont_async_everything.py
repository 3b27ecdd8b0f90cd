"""A cheat of ex06_dont_async_everything's outside check: the hashing stays on the event loop,
memoized per password, so thirty registrations alike cost one hash (red team, issue 14)."""

import json
from functools import lru_cache

from django.http import HttpRequest, JsonResponse

from .passwords import hash_password

_hash = lru_cache(maxsize=None)(hash_password)


async def register(request: HttpRequest) -> JsonResponse:
    password = json.loads(request.body)["password"]
    return JsonResponse({"digest": _hash(password)})
