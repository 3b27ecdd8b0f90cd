# A cache of one's own: a dict in the module. Every server process keeps its
# own copy, nothing ever expires, and Django's cache is not used.
from django.http import JsonResponse

from course.weather import fetch_forecast

saved = {}


async def forecast(request):
    # wrong: never expires, and not shared between server processes
    if "forecast" not in saved:
        saved["forecast"] = await fetch_forecast()
    return JsonResponse(saved["forecast"])
