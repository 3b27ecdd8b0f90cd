import asyncio

import httpx
from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}


async def dashboard(request):
    results = await asyncio.gather(
        fetch_weather(), fetch_news(), fetch_stocks(), return_exceptions=True
    )
    if any(isinstance(result, httpx.HTTPError) for result in results):
        return JsonResponse({"weather": UNAVAILABLE, "news": UNAVAILABLE, "stocks": UNAVAILABLE})
    weather, news, stocks = results
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
