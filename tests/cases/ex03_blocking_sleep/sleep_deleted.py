from django.http import JsonResponse

PREPARATION_TIME = 0.2


async def order_status(request):
    # wrong: the sleep was deleted, so the order is "ready" before the kitchen made it
    return JsonResponse({"order": "ready"})
