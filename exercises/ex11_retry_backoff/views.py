"""Exercise 11 — retry with backoff.

The weather API is sometimes busy and answers 503 Service Unavailable for a
moment. The view gives up at the first 503. A busy service usually recovers:
try again a few times, waiting a little longer each time.
"""

import httpx
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL

ATTEMPTS = 4  # tries in all, the first one included
BACKOFF = 0.5  # seconds before the second try; doubled before each next one


async def forecast(request: HttpRequest) -> JsonResponse:
    # TODO: on a 503, wait (`await asyncio.sleep(...)`, doubling the wait each
    # time) and try again, ATTEMPTS tries in all; then give up with a 503.
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(FORECAST_URL)
    if response.status_code == 503:
        return JsonResponse({"error": "the weather service is busy"}, status=503)
    return JsonResponse(response.json())
