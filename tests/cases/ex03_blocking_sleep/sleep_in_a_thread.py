import asyncio
import time

from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    # wrong: the loop is free, but each waiting order holds a worker thread
    await asyncio.to_thread(time.sleep, PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
