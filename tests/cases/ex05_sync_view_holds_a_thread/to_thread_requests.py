import asyncio

import requests
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # wrong: the thread waits in requests.get() and goes on when the visitor leaves
    response = await asyncio.to_thread(requests.get, FORECAST_URL, timeout=10)
    return JsonResponse(response.json())
