# Wrong: each call is guarded, but they run one after another.
import httpx
from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}


async def dashboard(request):
    try:
        weather = await fetch_weather()
    except httpx.HTTPError:
        weather = UNAVAILABLE
    try:
        news = await fetch_news()
    except httpx.HTTPError:
        news = UNAVAILABLE
    try:
        stocks = await fetch_stocks()
    except httpx.HTTPError:
        stocks = UNAVAILABLE
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
