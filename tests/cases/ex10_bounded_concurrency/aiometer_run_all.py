# Right: aiometer runs the calls at most LIMIT at once and returns the results in order.
# Source: aiometer README, "Usage" (run_all with max_at_once)
import functools

import aiometer
from django.http import JsonResponse

from course.shop import LIMIT, fetch_price

PRODUCTS = range(1, 51)


async def price_list(request):
    prices = await aiometer.run_all(
        [functools.partial(fetch_price, product) for product in PRODUCTS], max_at_once=LIMIT
    )
    return JsonResponse({"prices": prices})
