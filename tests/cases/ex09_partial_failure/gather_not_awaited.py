# Wrong: the gather is never awaited; unpacking the future does not wait for it.
import asyncio

from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}


async def dashboard(request):
    weather, news, stocks = asyncio.gather(
        fetch_weather(), fetch_news(), fetch_stocks(), return_exceptions=True
    )
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
