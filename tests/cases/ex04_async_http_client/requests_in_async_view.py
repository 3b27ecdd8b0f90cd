import requests
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # wrong: requests is a sync client; it holds the event loop while it waits
    response = requests.get(FORECAST_URL, timeout=10)
    return JsonResponse(response.json())
