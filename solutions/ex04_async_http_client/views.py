"""Exercise 04 — an async HTTP client.

`httpx.AsyncClient` waits for the weather API with `await`: while this request
waits, the event loop serves the others.
"""

import httpx
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL


async def forecast(request: HttpRequest) -> JsonResponse:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(FORECAST_URL)
    return JsonResponse(response.json())
