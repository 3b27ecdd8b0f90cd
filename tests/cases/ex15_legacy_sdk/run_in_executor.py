# Source: Python docs, "Executing code in thread or process pools":
# `await loop.run_in_executor(None, blocking_io)`.
import asyncio

from django.http import JsonResponse

from . import parcels


async def tracking(request):
    ids = request.GET["ids"].split(",")
    loop = asyncio.get_running_loop()
    # right: the default executor's threads, all at once
    futures = [loop.run_in_executor(None, parcels.track, parcel_id) for parcel_id in ids]
    return JsonResponse({"parcels": await asyncio.gather(*futures)})
