# Source: Django docs, "The low-level cache API" (`cache.get`, `cache.set`), the
# sync examples every tutorial copies, used as they are in an async view.
from django.core.cache import cache
from django.http import JsonResponse

from course.weather import fetch_forecast

TTL = 60


async def forecast(request):
    # wrong: the sync API reads and writes the cache's files on the event loop
    data = cache.get("forecast")
    if data is None:
        data = await fetch_forecast()
        cache.set("forecast", data, timeout=TTL)
    return JsonResponse(data)
