import time

from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def prepare():
    time.sleep(PREPARATION_TIME)  # an `async def` helper does not make time.sleep async


async def order_status(request):
    await prepare()
    return JsonResponse({"order": "ready"})
