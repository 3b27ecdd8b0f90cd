import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    async with httpx.AsyncClient(timeout=10) as client:
        response = client.get(FORECAST_URL)
    return JsonResponse(response.json())
