# httpx's docs, "Clients": make one client and reuse it, for its connection pool; here one for
# the whole process, made when the module is imported, shared by every visitor.
import asyncio

import httpx
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL

client = httpx.AsyncClient(timeout=10)


async def dashboard(request):
    weather, news, stocks = await asyncio.gather(
        client.get(WEATHER_URL), client.get(NEWS_URL), client.get(STOCKS_URL)
    )
    return JsonResponse({"weather": weather.json(), "news": news.json(), "stocks": stocks.json()})
