import asyncio
import time

from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    await asyncio.to_thread(time.sleep, PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
