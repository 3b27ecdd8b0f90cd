"""Exercise 18 — cache the slow answer.

The forecast changes a few times an hour, but every request asks the slow
weather API for it again. Keep the answer in Django's cache for a minute.
"""

from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast

TTL = 60  # seconds a cached forecast is served before the API is asked again


async def forecast(request: HttpRequest) -> JsonResponse:
    # TODO: cache-aside: `await cache.aget(...)` first; on a miss, fetch the
    # forecast and `await cache.aset(..., timeout=TTL)` (from django.core.cache import cache).
    data = await fetch_forecast()
    return JsonResponse(data)
