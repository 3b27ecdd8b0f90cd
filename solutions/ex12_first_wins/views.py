"""Exercise 12 — first answer wins.

Both mirrors are asked at once; the first answer is returned and the call
still running is cancelled, so nothing keeps working after the answer.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request: HttpRequest) -> JsonResponse:
    calls = [asyncio.create_task(fetch_from(mirror)) for mirror in MIRRORS]
    done, pending = await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
    for call in pending:
        call.cancel()
    return JsonResponse(done.pop().result())
