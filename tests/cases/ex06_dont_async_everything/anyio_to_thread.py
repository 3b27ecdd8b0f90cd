# Source: anyio docs, "Working with threads": `await to_thread.run_sync(func, *args)`.
import json

from anyio import to_thread
from django.http import JsonResponse

from .passwords import hash_password


async def register(request):
    password = json.loads(request.body)["password"]
    # right: the hashing runs in anyio's worker thread, off the loop
    digest = await to_thread.run_sync(hash_password, password)
    return JsonResponse({"digest": digest})
