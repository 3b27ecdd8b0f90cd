import asyncio

from django.http import JsonResponse

from course.shop import LIMIT, fetch_price

PRODUCTS = range(1, 51)


async def price_list(request):
    prices = []
    for start in range(0, len(PRODUCTS), LIMIT):
        batch = PRODUCTS[start : start + LIMIT]
        prices += await asyncio.gather(*(fetch_price(product) for product in batch))
    return JsonResponse({"prices": prices})
