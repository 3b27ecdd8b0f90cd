"""Exercise 18 — cache the slow answer.

The forecast changes a few times an hour, so it is kept in Django's cache for
a minute (cache-aside): the cache is read first, and only a miss asks the
slow weather API. The cache's async methods keep its I/O off the loop.
"""

from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast

TTL = 60  # seconds a cached forecast is served before the API is asked again


async def forecast(request: HttpRequest) -> JsonResponse:
    data = await cache.aget("forecast")
    if data is None:
        data = await fetch_forecast()
        await cache.aset("forecast", data, timeout=TTL)
    return JsonResponse(data)
