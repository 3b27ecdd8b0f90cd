import asyncio

from django.http import JsonResponse

from course.shop import LIMIT, fetch_price

PRODUCTS = range(1, 51)


async def price_list(request):
    queue = asyncio.Queue()
    for index, product in enumerate(PRODUCTS):
        queue.put_nowait((index, product))
    prices = [None] * len(PRODUCTS)

    async def worker():
        while not queue.empty():
            index, product = queue.get_nowait()
            prices[index] = await fetch_price(product)

    async with asyncio.TaskGroup() as tg:
        for _ in range(LIMIT):
            tg.create_task(worker())
    return JsonResponse({"prices": prices})
