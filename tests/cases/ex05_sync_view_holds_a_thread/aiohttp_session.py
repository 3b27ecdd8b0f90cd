# Source: aiohttp docs, "Client Quickstart": `async with aiohttp.ClientSession()`, `session.get`.
import aiohttp
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # right: awaited on the loop, so cancelling the view cancels the call
    async with aiohttp.ClientSession() as session:  # noqa: SIM117 (nested, as the docs write it)
        async with session.get(FORECAST_URL) as response:
            return JsonResponse(await response.json())
