# Wrong: each wait grows by a fixed 0.1 s (0.5, 0.6, 0.7), not doubling: linear backoff.
# Source: a new learner's first attempt (issue 15, "Wrong code that passes").
import asyncio

import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


async def forecast(request):
    async with httpx.AsyncClient(timeout=10) as client:
        for attempt in range(1, ATTEMPTS + 1):
            response = await client.get(FORECAST_URL)
            if response.status_code != 503:
                return JsonResponse(response.json())
            if attempt < ATTEMPTS:
                await asyncio.sleep(BACKOFF + 0.1 * (attempt - 1))
    return JsonResponse({"error": "the weather service is busy"}, status=503)
