# Wrong: batches of LIMIT, each gathered whole: every batch waits for its slowest call
# while the other slots sit idle.
# Source: a new learner's attempt (issue 15), and the chunked `gather` of Q&A answers to
# "How to limit concurrency with Python asyncio?" (Stack Overflow)
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
