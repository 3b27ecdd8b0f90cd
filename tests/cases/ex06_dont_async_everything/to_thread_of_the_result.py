import asyncio
import json

from django.http import JsonResponse

from .passwords import hash_password


async def register(request):
    password = json.loads(request.body)["password"]
    # wrong: hash_password(password) runs here, on the loop; to_thread gets its result
    digest = await asyncio.to_thread(hash_password(password))
    return JsonResponse({"digest": digest})
