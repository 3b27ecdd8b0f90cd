# Source: anyio docs, "The basics": `from anyio import sleep` and `await sleep(1)`.
from anyio import sleep
from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    # right: anyio's sleep awaits on the running asyncio loop
    await sleep(PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
