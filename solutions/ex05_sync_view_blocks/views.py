"""Exercise 05 — sync views queue up.

Async from end to end: the view runs on the event loop and waits for the API
with `await`, so any number of requests can wait for the API at once.
"""

import httpx
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL


async def forecast(request: HttpRequest) -> JsonResponse:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(FORECAST_URL)
    return JsonResponse(response.json())
