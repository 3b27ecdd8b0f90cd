# Exercise 07's way: the course's own helpers, each with a client of its own, gathered.
import asyncio

from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


async def dashboard(request):
    weather, news, stocks = await asyncio.gather(fetch_weather(), fetch_news(), fetch_stocks())
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
