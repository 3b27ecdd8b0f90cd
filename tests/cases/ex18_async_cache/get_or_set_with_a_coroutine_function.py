# Source: Django docs, "get_or_set(key, default)": "you can also pass any
# callable as a default value". An async function is a callable too, but
# aget_or_set calls it without awaiting it: a coroutine would be cached.
from django.core.cache import cache
from django.http import JsonResponse

from course.weather import fetch_forecast

TTL = 60


async def forecast(request):
    # wrong: fetch_forecast() is called, never awaited
    data = await cache.aget_or_set("forecast", fetch_forecast, timeout=TTL)
    return JsonResponse(data)
