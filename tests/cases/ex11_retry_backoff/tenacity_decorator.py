# Right: tenacity retries the call on a 503, ATTEMPTS times, with exponential waits.
# Source: tenacity docs, "Waiting before retrying" (wait_exponential) and "Async and retry"
import httpx
from django.http import JsonResponse
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


class Busy(Exception):
    pass


@retry(
    retry=retry_if_exception_type(Busy),
    stop=stop_after_attempt(ATTEMPTS),
    wait=wait_exponential(multiplier=BACKOFF),
    reraise=True,
)
async def get_forecast():
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(FORECAST_URL)
    if response.status_code == 503:
        raise Busy
    return response.json()


async def forecast(request):
    try:
        return JsonResponse(await get_forecast())
    except Busy:
        return JsonResponse({"error": "the weather service is busy"}, status=503)
