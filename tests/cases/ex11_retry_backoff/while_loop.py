import asyncio

import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


async def forecast(request):
    delay, attempts = BACKOFF, 0
    async with httpx.AsyncClient() as client:
        while (response := await client.get(FORECAST_URL)).status_code == 503:
            attempts += 1
            if attempts == ATTEMPTS:
                return JsonResponse({"error": "busy"}, status=503)
            await asyncio.sleep(delay)
            delay *= 2
    return JsonResponse(response.json())
