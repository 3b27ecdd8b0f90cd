# Right: backoff retries while the answer is a 503, with full-jitter exponential waits.
# Source: backoff README, "@backoff.on_predicate" (backoff.expo, max_tries, factor)
import backoff
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


@backoff.on_predicate(
    backoff.expo, lambda response: response.status_code == 503, max_tries=ATTEMPTS, factor=BACKOFF
)
async def get_forecast():
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.get(FORECAST_URL)


async def forecast(request):
    response = await get_forecast()
    if response.status_code == 503:
        return JsonResponse({"error": "the weather service is busy"}, status=503)
    return JsonResponse(response.json())
