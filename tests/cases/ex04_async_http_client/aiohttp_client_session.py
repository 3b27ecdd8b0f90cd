# Source: aiohttp docs, "Client Quickstart": `async with aiohttp.ClientSession()`, `session.get`.
import aiohttp
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # right: aiohttp is an async client; every wait is awaited
    async with aiohttp.ClientSession() as session:  # noqa: SIM117 (nested, as the docs write it)
        async with session.get(FORECAST_URL) as response:
            data = await response.json()
    return JsonResponse(data)
