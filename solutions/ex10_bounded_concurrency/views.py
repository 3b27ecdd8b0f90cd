"""Exercise 10 — bounded concurrency.

A semaphore lets at most LIMIT calls in flight at once; `gather` still runs
the 50 calls concurrently within that bound and keeps their order.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from course.shop import LIMIT, fetch_price

PRODUCTS = range(1, 51)


async def price_list(request: HttpRequest) -> JsonResponse:
    semaphore = asyncio.Semaphore(LIMIT)

    async def limited(product: int) -> dict:
        async with semaphore:
            return await fetch_price(product)

    prices = await asyncio.gather(*(limited(product) for product in PRODUCTS))
    return JsonResponse({"prices": prices})
