"""Exercise 09 — when one upstream fails.

`return_exceptions=True` makes `gather` wait for every call and hand back each
failure as a value; the page shows the parts that worked and marks the others.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}  # what the page shows for a part that failed


async def dashboard(request: HttpRequest) -> JsonResponse:
    results = await asyncio.gather(
        fetch_weather(), fetch_news(), fetch_stocks(), return_exceptions=True
    )
    weather, news, stocks = (
        UNAVAILABLE if isinstance(result, Exception) else result for result in results
    )
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
