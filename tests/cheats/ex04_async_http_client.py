"""A cheat of ex04_async_http_client's outside check: calls made for show, in flight beside
the real ones, which go one at a time (issue 14: a peak of all calls counted them)."""

import asyncio

import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

_lock = asyncio.Lock()
_background = set()


async def _show():
    async with httpx.AsyncClient(timeout=10) as client:
        await client.get(FORECAST_URL)


async def forecast(request):
    task = asyncio.create_task(_show())  # in flight beside the others: for show
    _background.add(task)
    task.add_done_callback(_background.discard)
    async with _lock, httpx.AsyncClient(timeout=10) as client:  # one real call at a time
        response = await client.get(FORECAST_URL)
    return JsonResponse(response.json())
