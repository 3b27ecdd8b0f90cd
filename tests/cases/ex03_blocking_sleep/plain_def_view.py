import time

from django.http import JsonResponse

PREPARATION_TIME = 0.2


def order_status(request):
    # wrong: Django runs a sync view in a worker thread, held for the whole sleep
    time.sleep(PREPARATION_TIME)
    return JsonResponse({"order": "ready"})
