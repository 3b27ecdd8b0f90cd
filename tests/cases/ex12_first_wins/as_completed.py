import asyncio

from django.http import JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request):
    calls = [asyncio.ensure_future(fetch_from(mirror)) for mirror in MIRRORS]
    try:
        for first in asyncio.as_completed(calls):
            return JsonResponse(await first)
    finally:
        for call in calls:
            call.cancel()
