import asyncio

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse

from . import parcels


async def tracking(request: HttpRequest) -> JsonResponse:
    ids = request.GET["ids"].split(",")
    track = sync_to_async(parcels.track, thread_sensitive=False)
    statuses = await asyncio.gather(*(track(p) for p in ids))
    return JsonResponse({"parcels": statuses})
