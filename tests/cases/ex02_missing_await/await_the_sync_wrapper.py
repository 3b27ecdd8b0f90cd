# A typical slip: the coroutine handed to a function that only returns it.
from django.http import JsonResponse

from course.weather import fetch_forecast


def latest():
    return fetch_forecast()


async def forecast(request):
    # wrong: latest() hands back the coroutine, which nobody awaits
    data = latest()
    return JsonResponse({"forecast": str(data)})
