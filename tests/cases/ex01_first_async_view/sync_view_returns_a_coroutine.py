from django.http import JsonResponse

from course.weather import fetch_forecast


def forecast(request):
    # wrong: a plain `def` cannot await, so the coroutine object itself goes into the JSON
    return JsonResponse(fetch_forecast())
