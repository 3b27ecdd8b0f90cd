# Wrong: waits that grow by a fixed BACKOFF (0.5, 1.0, 1.5 s): linear backoff, not doubling.
# Source: tenacity docs, "Waiting before retrying" (wait_incrementing(start, increment))
import httpx
from django.http import JsonResponse
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_incrementing

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


class Busy(Exception):
    pass


@retry(
    retry=retry_if_exception_type(Busy),
    stop=stop_after_attempt(ATTEMPTS),
    wait=wait_incrementing(start=BACKOFF, increment=BACKOFF),
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
