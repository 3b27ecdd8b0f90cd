import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    response = httpx.get(FORECAST_URL, timeout=10)
    return JsonResponse(response.json())
