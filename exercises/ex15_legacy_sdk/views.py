"""Exercise 15 — a blocking SDK.

The shop tracks its parcels with the carrier's SDK (`parcels.py`), which is
sync: each `track()` call holds its thread until the carrier answers. Here it
runs on the event loop, once per parcel, one after another.
"""

from django.http import HttpRequest, JsonResponse

from . import parcels


async def tracking(request: HttpRequest) -> JsonResponse:
    ids = request.GET["ids"].split(",")  # /legacy_sdk/?ids=A1,B2,C3
    # TODO: run each call in a worker thread (`asyncio.to_thread`), all of them at once.
    statuses = [parcels.track(parcel_id) for parcel_id in ids]
    return JsonResponse({"parcels": statuses})
