# Right: "full jitter", a wait drawn between 0 and the exponential backoff, none after the last try.
# Source: AWS Architecture Blog, "Exponential Backoff And Jitter" (full jitter)
import asyncio
import random

import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


async def forecast(request):
    async with httpx.AsyncClient(timeout=10) as client:
        for attempt in range(ATTEMPTS):
            response = await client.get(FORECAST_URL)
            if response.status_code != 503:
                return JsonResponse(response.json())
            if attempt < ATTEMPTS - 1:
                await asyncio.sleep(random.uniform(0, BACKOFF * 2**attempt))
    return JsonResponse({"error": "the weather service is busy"}, status=503)
