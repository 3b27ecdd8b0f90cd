# Right: one semaphore for the whole process, shared by every call (and every request).
# Source: Python docs, asyncio.Semaphore ("Synchronization Primitives")
import asyncio

from django.http import JsonResponse

from course.shop import LIMIT, fetch_price

PRODUCTS = range(1, 51)
price_api = asyncio.Semaphore(LIMIT)


async def limited(product):
    async with price_api:
        return await fetch_price(product)


async def price_list(request):
    prices = await asyncio.gather(*(limited(product) for product in PRODUCTS))
    return JsonResponse({"prices": prices})
