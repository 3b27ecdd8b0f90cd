"""Exercise 05 — a sync view holds a thread.

A plain `def` view calling the weather API with the sync `httpx.get()`. It
works: Django runs it in a worker thread of its own. But that thread is
blocked for the whole call, and a blocked thread cannot be stopped: when the
visitor leaves, the call goes on anyway.
"""

import httpx
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL


# TODO: make the view async from end to end: `async def`, and an async HTTP client.
def forecast(request: HttpRequest) -> JsonResponse:
    response = httpx.get(FORECAST_URL, timeout=10)
    return JsonResponse(response.json())
