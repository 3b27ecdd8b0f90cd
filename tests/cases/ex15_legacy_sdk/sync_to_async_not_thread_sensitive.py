# Source: asgiref README / Django docs, "sync_to_async()": thread_sensitive=False
# runs the function in a new thread of the executor, not the request's own.
import asyncio

from asgiref.sync import sync_to_async
from django.http import JsonResponse

from . import parcels


async def tracking(request):
    ids = request.GET["ids"].split(",")
    # right: each call in a worker thread of its own, all at once
    track = sync_to_async(parcels.track, thread_sensitive=False)
    statuses = await asyncio.gather(*(track(parcel_id) for parcel_id in ids))
    return JsonResponse({"parcels": statuses})
