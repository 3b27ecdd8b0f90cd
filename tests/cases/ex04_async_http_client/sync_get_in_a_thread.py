import asyncio

import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # wrong: off the loop, but a worker thread is blocked for each waiting request
    response = await asyncio.to_thread(httpx.get, FORECAST_URL, timeout=10)
    return JsonResponse(response.json())
