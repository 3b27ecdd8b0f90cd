# Right: an anyio task group starts the three calls at once and waits for all of them.
# Source: anyio docs, "Creating and managing tasks"
import anyio
from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


async def dashboard(request):
    parts = {}

    async def fetch(name, call):
        parts[name] = await call()

    async with anyio.create_task_group() as tg:
        tg.start_soon(fetch, "weather", fetch_weather)
        tg.start_soon(fetch, "news", fetch_news)
        tg.start_soon(fetch, "stocks", fetch_stocks)
    return JsonResponse(parts)
