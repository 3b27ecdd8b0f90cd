# A typical first fix: each call in a thread, but awaited before the next starts.
import asyncio

from django.http import JsonResponse

from . import parcels


async def tracking(request):
    ids = request.GET["ids"].split(",")
    statuses = []
    for parcel_id in ids:
        # wrong: the next call starts only when this one has answered
        statuses.append(await asyncio.to_thread(parcels.track, parcel_id))
    return JsonResponse({"parcels": statuses})
