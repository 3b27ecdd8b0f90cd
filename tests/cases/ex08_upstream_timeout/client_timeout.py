# Right: httpx's own timeout is the deadline.
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

DEADLINE = 2.0


async def forecast(request):
    try:
        async with httpx.AsyncClient(timeout=DEADLINE) as client:
            response = await client.get(FORECAST_URL)
    except httpx.TimeoutException:
        return JsonResponse({"error": "timed out"}, status=504)
    return JsonResponse(response.json())
