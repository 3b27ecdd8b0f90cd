from time import sleep

from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    # wrong: this `sleep` is time.sleep, imported by name; it freezes the event loop
    sleep(PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
