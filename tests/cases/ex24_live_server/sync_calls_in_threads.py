# Python's docs, "asyncio.to_thread": "directly calling blocking_io() in any coroutine would block
# the event loop … by using asyncio.to_thread(), we can run it in a separate thread". The loop's
# default pool has min(32, CPUs + 4) threads: the other calls wait for one.
import asyncio

import httpx
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


def get_json(url):
    return httpx.get(url, timeout=10).json()


async def dashboard(request):
    weather, news, stocks = await asyncio.gather(
        asyncio.to_thread(get_json, WEATHER_URL),
        asyncio.to_thread(get_json, NEWS_URL),
        asyncio.to_thread(get_json, STOCKS_URL),
    )
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
