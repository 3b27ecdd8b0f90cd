# Right: aiohttp's own total timeout is the deadline.
# Source: aiohttp docs, "Client Quickstart" > "Timeouts" (ClientTimeout(total=...))
import aiohttp
from django.http import JsonResponse

from course.weather import FORECAST_URL

DEADLINE = 2.0


async def forecast(request):
    timeout = aiohttp.ClientTimeout(total=DEADLINE)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(FORECAST_URL) as response,
        ):
            data = await response.json()
    except TimeoutError:
        return JsonResponse({"error": "timed out"}, status=504)
    return JsonResponse(data)
