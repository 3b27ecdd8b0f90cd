# `async def` around the SDK changes nothing: the call still blocks the loop.
import asyncio

from django.http import JsonResponse

from . import parcels


async def track(parcel_id):
    return parcels.track(parcel_id)


async def tracking(request):
    ids = request.GET["ids"].split(",")
    # wrong: gather runs the coroutines on the loop, and each blocks it in turn
    statuses = await asyncio.gather(*(track(parcel_id) for parcel_id in ids))
    return JsonResponse({"parcels": statuses})
