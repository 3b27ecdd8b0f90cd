# Wrong: `except BaseException` also swallows the view's cancellation (and the calls run in turn).
from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}


async def safe(coro):
    try:
        return await coro
    except BaseException:
        return UNAVAILABLE


async def dashboard(request):
    weather = await safe(fetch_weather())
    news = await safe(fetch_news())
    stocks = await safe(fetch_stocks())
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
