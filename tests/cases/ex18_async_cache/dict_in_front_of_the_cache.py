# Wrong: a module-level dict in front of Django's cache: the Django entry expires, the dict
# never does, and every later request gets the first forecast.
# Source: a new learner's attempt (issue 15); the "memoize in a module-level dict" idiom of
# Q&A answers, put in front of Django's "low-level cache API" (`cache.aget`, `cache.aset`).
from django.core.cache import cache
from django.http import JsonResponse

from course.weather import fetch_forecast

TTL = 60
memo = {}


async def forecast(request):
    if "forecast" not in memo:
        data = await cache.aget("forecast")
        if data is None:
            data = await fetch_forecast()
            await cache.aset("forecast", data, timeout=TTL)
        memo["forecast"] = data
    return JsonResponse(memo["forecast"])
