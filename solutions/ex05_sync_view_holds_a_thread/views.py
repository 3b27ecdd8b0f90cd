"""Exercise 05 — a sync view holds a thread.

Async from end to end: the view waits for the API on the event loop with
`await`. No thread is blocked while it waits, and when the visitor leaves,
Django cancels the view and its API call with it.
"""

import httpx
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL


async def forecast(request: HttpRequest) -> JsonResponse:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(FORECAST_URL)
    return JsonResponse(response.json())
