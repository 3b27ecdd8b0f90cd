# Django's docs, "Asynchronous support": under ASGI a sync view runs in a thread. Each visitor
# gets one, but their three calls go one after another.
import httpx
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


def dashboard(request):
    with httpx.Client(timeout=10) as client:
        weather = client.get(WEATHER_URL).json()
        news = client.get(NEWS_URL).json()
        stocks = client.get(STOCKS_URL).json()
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
