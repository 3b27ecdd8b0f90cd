# Source: httpx docs, "Timeouts": `httpx.AsyncClient(timeout=httpx.Timeout(10.0))`.
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # right: async from end to end, with a timeout object instead of a number
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0)) as client:
        response = await client.get(FORECAST_URL)
    return JsonResponse(response.json())
