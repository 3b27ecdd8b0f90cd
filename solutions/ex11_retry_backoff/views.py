"""Exercise 11 — retry with backoff.

On a 503 the view waits and tries again, doubling the wait each time, for at
most ATTEMPTS tries; it waits with `asyncio.sleep`, so other requests run
meanwhile.
"""

import asyncio

import httpx
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL

ATTEMPTS = 4  # tries in all, the first one included
BACKOFF = 0.5  # seconds before the second try; doubled before each next one


async def forecast(request: HttpRequest) -> JsonResponse:
    async with httpx.AsyncClient(timeout=10) as client:
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(BACKOFF * 2 ** (attempt - 1))
            response = await client.get(FORECAST_URL)
            if response.status_code != 503:
                return JsonResponse(response.json())
    return JsonResponse({"error": "the weather service is busy"}, status=503)
