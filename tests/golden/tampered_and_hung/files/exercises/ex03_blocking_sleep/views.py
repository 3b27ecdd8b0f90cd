import itertools

from django.http import HttpRequest, JsonResponse


async def order_status(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ready": all(True for _ in itertools.count())})  # never ends
