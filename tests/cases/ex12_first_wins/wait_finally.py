# Right: asyncio.wait for the first answer; `finally` cancels every call, whatever happens.
# Source: Python docs, asyncio.wait (FIRST_COMPLETED) and "Task Cancellation"
import asyncio

from django.http import JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request):
    calls = [asyncio.create_task(fetch_from(mirror)) for mirror in MIRRORS]
    try:
        done, _ = await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
        return JsonResponse(done.pop().result())
    finally:
        for call in calls:
            call.cancel()
