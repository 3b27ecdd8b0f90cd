import asyncio

import httpx
from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}


async def or_unavailable(fetch):
    try:
        return await fetch()
    except httpx.HTTPError:
        return UNAVAILABLE


async def dashboard(request):
    async with asyncio.TaskGroup() as tg:
        parts = {
            name: tg.create_task(or_unavailable(fetch))
            for name, fetch in [
                ("weather", fetch_weather),
                ("news", fetch_news),
                ("stocks", fetch_stocks),
            ]
        }
    return JsonResponse({name: task.result() for name, task in parts.items()})
