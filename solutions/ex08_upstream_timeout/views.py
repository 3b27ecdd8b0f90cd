"""Exercise 08 — deadlines for slow upstreams.

`asyncio.timeout(DEADLINE)` cancels the call to the weather API when the
deadline passes and raises `TimeoutError`; the page then answers 504 Gateway
Timeout instead of waiting forever.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0  # seconds the page may wait for the weather API


async def forecast(request: HttpRequest) -> JsonResponse:
    try:
        async with asyncio.timeout(DEADLINE):
            data = await fetch_forecast()
    except TimeoutError:
        return JsonResponse({"error": "the weather service did not answer in time"}, status=504)
    return JsonResponse(data)
