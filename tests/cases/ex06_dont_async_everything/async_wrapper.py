import json

from django.http import JsonResponse

from .passwords import hash_password


async def hash_async(password):
    return hash_password(password)  # still runs on the event loop


async def register(request):
    digest = await hash_async(json.loads(request.body)["password"])
    return JsonResponse({"digest": digest})
