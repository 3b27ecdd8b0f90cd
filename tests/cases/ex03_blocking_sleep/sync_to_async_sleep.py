import time

from asgiref.sync import sync_to_async
from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    # wrong: the sleep moves off the loop, but holds a worker thread while it waits
    await sync_to_async(time.sleep)(PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
