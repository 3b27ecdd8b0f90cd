"""Exercise 07 — fan out with gather.

The three APIs are independent: `asyncio.gather` starts all three calls at
once and waits for them together, so the page takes as long as the slowest
call, not the sum of all three.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


async def dashboard(request: HttpRequest) -> JsonResponse:
    weather, news, stocks = await asyncio.gather(fetch_weather(), fetch_news(), fetch_stocks())
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
