import asyncio

from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


async def dashboard(request):
    weather = asyncio.create_task(fetch_weather())
    news = asyncio.create_task(fetch_news())
    stocks = asyncio.create_task(fetch_stocks())  # all three run from here on
    return JsonResponse({"weather": await weather, "news": await news, "stocks": await stocks})
