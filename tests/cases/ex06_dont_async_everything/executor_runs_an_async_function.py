import asyncio
import json

from django.http import JsonResponse

from .passwords import hash_password


async def hash_async(password):
    return hash_password(password)


async def register(request):
    password = json.loads(request.body)["password"]
    loop = asyncio.get_running_loop()
    # wrong: the executor calls hash_async(), which only makes a coroutine; nothing is hashed
    digest = await loop.run_in_executor(None, hash_async, password)
    return JsonResponse({"digest": digest})
