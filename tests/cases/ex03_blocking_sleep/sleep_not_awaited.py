import asyncio

from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    asyncio.sleep(PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
