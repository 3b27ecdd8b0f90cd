"""Exercise 24 — twenty visitors at once.

The dashboard again: the weather, the news and the stock prices, from three
APIs. This one asks them with httpx's sync client, one after another, from
an async view: each visitor holds the server's event loop for three API
waits, and every other visitor waits behind them.
"""

import httpx
from django.http import HttpRequest, JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL


# TODO: let twenty visitors wait side by side: an async client, and the three calls at once.
async def dashboard(request: HttpRequest) -> JsonResponse:
    with httpx.Client(timeout=10) as client:
        weather = client.get(WEATHER_URL).json()
        news = client.get(NEWS_URL).json()
        stocks = client.get(STOCKS_URL).json()
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
