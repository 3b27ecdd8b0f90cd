import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


async def forecast(request):
    async with httpx.AsyncClient() as client:
        for _ in range(ATTEMPTS):
            response = await client.get(FORECAST_URL)
            if response.status_code != 503:
                return JsonResponse(response.json())
    return JsonResponse({"error": "busy"}, status=503)
