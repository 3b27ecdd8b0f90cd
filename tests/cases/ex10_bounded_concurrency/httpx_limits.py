# Right: one client whose pool holds LIMIT connections; plain gather, the pool queues the rest.
# Source: httpx docs, "Resource Limits" (httpx.Limits(max_connections=...))
import asyncio

import httpx
from django.http import JsonResponse

from course.shop import LIMIT, PRICES_URL

PRODUCTS = range(1, 51)


async def price_list(request):
    limits = httpx.Limits(max_connections=LIMIT)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def fetch_price(product):
            response = await client.get(f"{PRICES_URL}{product}")
            response.raise_for_status()
            return response.json()

        prices = await asyncio.gather(*(fetch_price(product) for product in PRODUCTS))
    return JsonResponse({"prices": prices})
