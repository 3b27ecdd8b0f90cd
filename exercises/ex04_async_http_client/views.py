"""Exercise 04 — an async HTTP client.

This view is `async def`, but it asks the weather API through `httpx.Client`,
a sync client: while it waits for the answer, it holds the event loop's
thread, and no other request moves.
"""

import httpx
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL


async def forecast(request: HttpRequest) -> JsonResponse:
    # TODO: use `httpx.AsyncClient` (with `async with`) and `await` the request.
    with httpx.Client(timeout=10) as client:
        response = client.get(FORECAST_URL)
    return JsonResponse(response.json())
