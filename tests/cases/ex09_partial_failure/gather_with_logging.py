# Right: gather(return_exceptions=True), each failure logged and shown as UNAVAILABLE.
# Source: Python docs, asyncio.gather (return_exceptions) and "Logging HOWTO"
import asyncio
import logging

from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}
logger = logging.getLogger(__name__)


async def dashboard(request):
    names = ("weather", "news", "stocks")
    results = await asyncio.gather(
        fetch_weather(), fetch_news(), fetch_stocks(), return_exceptions=True
    )
    page = {}
    for name, result in zip(names, results, strict=True):
        if isinstance(result, Exception):
            logger.warning("the %s API failed: %r", name, result)
            result = UNAVAILABLE
        page[name] = result
    return JsonResponse(page)
