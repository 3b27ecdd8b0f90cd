from asyncio import sleep

from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    await sleep(PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
