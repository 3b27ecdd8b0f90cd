# Source: Django docs, "Accessing the cache": `caches["default"]`.
from django.core.cache import caches
from django.http import JsonResponse

from course.weather import fetch_forecast

TTL = 60


async def forecast(request):
    store = caches["default"]
    # right: the named cache's async methods
    data = await store.aget("weather:forecast")
    if data is None:
        data = await fetch_forecast()
        await store.aset("weather:forecast", data, timeout=TTL)
    return JsonResponse(data)
