"""Exercise 15 — a blocking SDK.

The shop tracks its parcels with the carrier's SDK (`parcels.py`), which is
sync: each `track()` call holds its thread until the carrier answers. Each
call runs in a worker thread of its own, all at once, while the event loop
serves other requests.
"""

import asyncio

from django.http import HttpRequest, JsonResponse

from . import parcels


async def tracking(request: HttpRequest) -> JsonResponse:
    ids = request.GET["ids"].split(",")  # /legacy_sdk/?ids=A1,B2,C3
    statuses = await asyncio.gather(
        *(asyncio.to_thread(parcels.track, parcel_id) for parcel_id in ids)
    )
    return JsonResponse({"parcels": statuses})
