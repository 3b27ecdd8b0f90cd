import asyncio

from django.http import JsonResponse

from course.shop import LIMIT, fetch_price

PRODUCTS = range(1, 51)


async def price_list(request):
    async with asyncio.Semaphore(LIMIT):  # one request holds one slot: nothing is bounded
        prices = await asyncio.gather(*(fetch_price(product) for product in PRODUCTS))
    return JsonResponse({"prices": prices})
