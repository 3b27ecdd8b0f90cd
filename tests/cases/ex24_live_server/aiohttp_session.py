# aiohttp's docs, "Client Quickstart": one ClientSession for the visit, its requests gathered.
import asyncio

import aiohttp
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


async def dashboard(request):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:

        async def fetch(url):
            async with session.get(url) as response:
                return await response.json()

        weather, news, stocks = await asyncio.gather(
            fetch(WEATHER_URL), fetch(NEWS_URL), fetch(STOCKS_URL)
        )
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
