# Source: Django docs, "Asynchronous support": sync_to_async with its default,
# thread_sensitive=True. Inside a request, Django runs every thread-sensitive
# call in that request's one thread: the calls queue up, one after another.
import asyncio

from asgiref.sync import sync_to_async
from django.http import JsonResponse

from . import parcels


async def tracking(request):
    ids = request.GET["ids"].split(",")
    # wrong: gathered, but all three wait for the same thread
    statuses = await asyncio.gather(*(sync_to_async(parcels.track)(i) for i in ids))
    return JsonResponse({"parcels": statuses})
