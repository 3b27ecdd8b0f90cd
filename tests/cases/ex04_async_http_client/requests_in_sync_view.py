import requests
from django.http import JsonResponse

from course.weather import FORECAST_URL


def forecast(request):
    # wrong: off the loop, but each request holds a worker thread while it waits
    response = requests.get(FORECAST_URL, timeout=10)
    return JsonResponse(response.json())
