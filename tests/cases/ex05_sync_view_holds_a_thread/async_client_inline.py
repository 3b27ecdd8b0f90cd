import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    async with httpx.AsyncClient() as client:
        return JsonResponse((await client.get(FORECAST_URL)).json())
