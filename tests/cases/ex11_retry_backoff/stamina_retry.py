# Right: stamina retries on a 503 with exponential, jittered waits, ATTEMPTS tries in all.
# Source: stamina docs, "Tutorial" (@stamina.retry(on=..., attempts=..., wait_initial=...))
import httpx
import stamina
from django.http import JsonResponse

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


def is_busy(error):
    return isinstance(error, httpx.HTTPStatusError) and error.response.status_code == 503


@stamina.retry(on=is_busy, attempts=ATTEMPTS, wait_initial=BACKOFF)
async def get_forecast():
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(FORECAST_URL)
        response.raise_for_status()
        return response.json()


async def forecast(request):
    try:
        return JsonResponse(await get_forecast())
    except httpx.HTTPStatusError:
        return JsonResponse({"error": "the weather service is busy"}, status=503)
