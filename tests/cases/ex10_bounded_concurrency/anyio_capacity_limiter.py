# Right: an anyio CapacityLimiter lets LIMIT calls in at once; a task group runs them all.
# Source: anyio docs, "Using synchronization primitives" > "Capacity limiters"
import anyio
from django.http import JsonResponse

from course.shop import LIMIT, fetch_price

PRODUCTS = range(1, 51)


async def price_list(request):
    limiter = anyio.CapacityLimiter(LIMIT)
    prices = [None] * len(PRODUCTS)

    async def fetch(index, product):
        async with limiter:
            prices[index] = await fetch_price(product)

    async with anyio.create_task_group() as tg:
        for index, product in enumerate(PRODUCTS):
            tg.start_soon(fetch, index, product)
    return JsonResponse({"prices": prices})
