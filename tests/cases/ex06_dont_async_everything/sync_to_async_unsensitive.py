# Source: Django docs, "Asynchronous support" > "sync_to_async()": thread_sensitive=False.
import json

from asgiref.sync import sync_to_async
from django.http import JsonResponse

from .passwords import hash_password


async def register(request):
    password = json.loads(request.body)["password"]
    # right: hashing runs in a fresh worker thread, off the loop
    digest = await sync_to_async(hash_password, thread_sensitive=False)(password)
    return JsonResponse({"digest": digest})
