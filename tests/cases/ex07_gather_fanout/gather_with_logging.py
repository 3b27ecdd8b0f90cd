# Right: the reference gather, with a log line (logging is not a blocking call).
# Source: Python docs, "Logging HOWTO" (a module-level logger per module)
import asyncio
import logging

from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

logger = logging.getLogger(__name__)


async def dashboard(request):
    logger.warning("fetching the dashboard")
    weather, news, stocks = await asyncio.gather(fetch_weather(), fetch_news(), fetch_stocks())
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
