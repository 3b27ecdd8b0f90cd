"""Exercise 09 — when one upstream fails.

The dashboard fans out to three APIs at once. When one of them fails (an
error page, a refused connection, a timeout), `gather` raises, the visitor
gets a 500 instead of the two parts that worked, and the calls still running
are left behind with nobody waiting for them.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}  # what the page shows for a part that failed


async def dashboard(request: HttpRequest) -> JsonResponse:
    # TODO: a failing call must not take the page down: wait for all three,
    # and show UNAVAILABLE for each one that failed.
    weather, news, stocks = await asyncio.gather(fetch_weather(), fetch_news(), fetch_stocks())
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
