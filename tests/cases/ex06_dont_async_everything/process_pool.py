# Source: Python docs, "Executing code in thread or process pools" (loop.run_in_executor).
import asyncio
import concurrent.futures
import json

from django.http import JsonResponse

from .passwords import hash_password

pool = concurrent.futures.ProcessPoolExecutor()


async def register(request):
    password = json.loads(request.body)["password"]
    loop = asyncio.get_running_loop()
    # right: CPU work in another process; the loop only awaits the result
    digest = await loop.run_in_executor(pool, hash_password, password)
    return JsonResponse({"digest": digest})
