"""Exercise 24 — twenty visitors at once (solved).

One async client for the visit, and its three calls in flight together: a
visitor waits about one API answer, and while they wait, the event loop
serves everyone else.
"""

import asyncio

import httpx
from django.http import HttpRequest, JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


async def dashboard(request: HttpRequest) -> JsonResponse:
    async with httpx.AsyncClient(timeout=10) as client:
        weather, news, stocks = await asyncio.gather(
            client.get(WEATHER_URL), client.get(NEWS_URL), client.get(STOCKS_URL)
        )
    return JsonResponse({"weather": weather.json(), "news": news.json(), "stocks": stocks.json()})
