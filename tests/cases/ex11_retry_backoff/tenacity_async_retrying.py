# Right: tenacity's AsyncRetrying loop, ATTEMPTS tries with exponential waits.
# Source: tenacity docs, "Retrying code block" and "Async and retry" (AsyncRetrying)
import httpx
from django.http import JsonResponse
from tenacity import AsyncRetrying, RetryError, stop_after_attempt, wait_exponential

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


async def forecast(request):
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(ATTEMPTS), wait=wait_exponential(multiplier=BACKOFF)
            ):
                with attempt:
                    response = await client.get(FORECAST_URL)
                    if response.status_code == 503:
                        response.raise_for_status()
    except RetryError:
        return JsonResponse({"error": "the weather service is busy"}, status=503)
    return JsonResponse(response.json())
