from asyncio import sleep

from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    await sleep(PREPARATION_TIME)  # right: asyncio.sleep imported by name, awaited
    return JsonResponse({"order": "ready"})
