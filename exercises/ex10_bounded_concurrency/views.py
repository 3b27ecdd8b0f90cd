"""Exercise 10 — bounded concurrency.

The price list needs the price of 50 products, one API call each. Running
them concurrently is right, but this view starts all 50 at once, and the
price API allows only LIMIT calls in flight per client.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from course.shop import LIMIT, fetch_price  # noqa: F401 (LIMIT is for you)

PRODUCTS = range(1, 51)


async def price_list(request: HttpRequest) -> JsonResponse:
    # TODO: keep at most LIMIT calls in flight at once (`asyncio.Semaphore(LIMIT)`),
    # and keep the prices in the order of PRODUCTS.
    prices = await asyncio.gather(*(fetch_price(product) for product in PRODUCTS))
    return JsonResponse({"prices": prices})
