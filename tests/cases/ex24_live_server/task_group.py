# Python's docs, "Task Groups" (3.11+): the three calls as tasks of an asyncio.TaskGroup, their
# results read once the group has waited for all of them.
import asyncio

import httpx
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


async def dashboard(request):
    async with httpx.AsyncClient(timeout=10) as client, asyncio.TaskGroup() as group:
        weather = group.create_task(client.get(WEATHER_URL))
        news = group.create_task(client.get(NEWS_URL))
        stocks = group.create_task(client.get(STOCKS_URL))
    return JsonResponse(
        {
            "weather": weather.result().json(),
            "news": news.result().json(),
            "stocks": stocks.result().json(),
        }
    )
