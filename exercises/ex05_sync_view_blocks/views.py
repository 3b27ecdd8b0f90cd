"""Exercise 05 — sync views queue up.

A plain `def` view calling the weather API with the sync `httpx.get()`. It
works, and under a WSGI server with many worker threads it would be fine. Under
ASGI, Django runs sync views in a single shared thread: while one request
waits for the API, every other request waits in line behind it.
"""

import httpx
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL


# TODO: make the view async from end to end: `async def`, and an async HTTP client.
def forecast(request: HttpRequest) -> JsonResponse:
    response = httpx.get(FORECAST_URL, timeout=10)
    return JsonResponse(response.json())
