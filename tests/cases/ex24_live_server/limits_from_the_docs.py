# httpx's docs, "Resource Limits": `limits = httpx.Limits(max_keepalive_connections=5,
# max_connections=10)` on a client shared by every visitor. At most ten calls go out at once;
# a fake inside httpx (respx) cannot see it, a real server does.
import asyncio

import httpx
from django.http import JsonResponse

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL

limits = httpx.Limits(max_keepalive_connections=5, max_connections=10)
client = httpx.AsyncClient(limits=limits, timeout=10)


async def dashboard(request):
    weather, news, stocks = await asyncio.gather(
        client.get(WEATHER_URL), client.get(NEWS_URL), client.get(STOCKS_URL)
    )
    return JsonResponse({"weather": weather.json(), "news": news.json(), "stocks": stocks.json()})
