# Wrong: a new semaphore for every call: each one lets its only call in, nothing is bounded.
import asyncio

from django.http import JsonResponse

from course.shop import LIMIT, fetch_price

PRODUCTS = range(1, 51)


async def limited(product):
    async with asyncio.Semaphore(LIMIT):
        return await fetch_price(product)


async def price_list(request):
    prices = await asyncio.gather(*(limited(product) for product in PRODUCTS))
    return JsonResponse({"prices": prices})
