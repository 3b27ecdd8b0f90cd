# Source: Python docs, "Logging HOWTO": `logger = logging.getLogger(__name__)` per module.
import logging

from django.http import JsonResponse

from course.weather import fetch_forecast

logger = logging.getLogger(__name__)


async def forecast(request):
    # right: logging a line is not a blocking call; the await is what matters
    data = await fetch_forecast()
    logger.warning("forecast for %s", data.get("city"))
    print("forecast served")
    return JsonResponse(data)
