# Right: aiohttp instead of httpx, one session, the three calls gathered.
# Source: aiohttp docs, "Client Quickstart" (one ClientSession for all requests)
import asyncio

import aiohttp
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


async def fetch_json(session, url):
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.json()


async def dashboard(request):
    async with aiohttp.ClientSession() as session:
        weather, news, stocks = await asyncio.gather(
            *(fetch_json(session, url) for url in (WEATHER_URL, NEWS_URL, STOCKS_URL))
        )
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
