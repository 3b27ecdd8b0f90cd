# Exercise 04's answer, carried over: an async client, but each call awaited before the next.
import httpx
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


async def dashboard(request):
    async with httpx.AsyncClient(timeout=10) as client:
        weather = (await client.get(WEATHER_URL)).json()
        news = (await client.get(NEWS_URL)).json()
        stocks = (await client.get(STOCKS_URL)).json()
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
