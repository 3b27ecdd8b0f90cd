import json

from asgiref.sync import sync_to_async
from django.http import JsonResponse

from .passwords import hash_password


async def register(request):
    password = json.loads(request.body)["password"]
    digest = await sync_to_async(hash_password, thread_sensitive=False)(password)
    return JsonResponse({"digest": digest})
