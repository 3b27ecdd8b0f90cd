import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

client = httpx.Client(timeout=10)


async def forecast(request):
    return JsonResponse(client.get(FORECAST_URL).json())
