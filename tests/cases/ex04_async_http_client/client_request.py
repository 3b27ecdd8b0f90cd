# Source: httpx docs, "Async Support": an AsyncClient, awaited; here through `client.request`.
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    async with httpx.AsyncClient() as client:
        response = await client.request("GET", FORECAST_URL)
    response.raise_for_status()
    return JsonResponse(response.json())
