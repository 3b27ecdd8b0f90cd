"""Exercise 12 — first answer wins.

Both mirrors are asked at once, in a task group; the first answer is returned
and the call still running is cancelled. If the view itself is cancelled (the
visitor left), the task group cancels both calls: nothing keeps working after
the view is done.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request: HttpRequest) -> JsonResponse:
    async with asyncio.TaskGroup() as group:
        calls = [group.create_task(fetch_from(mirror)) for mirror in MIRRORS]
        done, pending = await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
        for call in pending:
            call.cancel()
    return JsonResponse(done.pop().result())
