# Source: Django docs, "The low-level cache API": `cache.get(key, default)` tells
# a miss from a cached None; its async twin takes the same arguments.
from django.core.cache import cache
from django.http import JsonResponse

from course.weather import fetch_forecast

TTL = 60
MISSING = object()


async def forecast(request):
    # right: the async twins, with a sentinel for a miss
    data = await cache.aget("forecast", MISSING)
    if data is MISSING:
        data = await fetch_forecast()
        await cache.aset("forecast", data, TTL)
    return JsonResponse(data)
