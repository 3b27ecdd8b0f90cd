# timeout=None means "never expires" in Django's cache API.
from django.core.cache import cache
from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    data = await cache.aget("forecast")
    if data is None:
        data = await fetch_forecast()
        # wrong: the forecast would be served for ever
        await cache.aset("forecast", data, timeout=None)
    return JsonResponse(data)
