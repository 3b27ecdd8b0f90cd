# Source: Python docs, "Logging HOWTO": `logging.getLogger(__name__)`.
import logging

import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # right: a log line or a print() is not a blocking wait
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(FORECAST_URL)
    logging.getLogger(__name__).warning("weather API answered %s", response.status_code)
    print("forecast", response.status_code)
    return JsonResponse(response.json())
