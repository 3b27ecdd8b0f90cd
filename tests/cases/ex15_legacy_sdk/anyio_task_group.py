# Source: anyio docs, "Working with threads" (`to_thread.run_sync`) and
# "Creating and managing tasks" (task groups).
from anyio import create_task_group, to_thread
from django.http import JsonResponse

from . import parcels


async def tracking(request):
    ids = request.GET["ids"].split(",")
    statuses = [None] * len(ids)

    async def track(index, parcel_id):
        statuses[index] = await to_thread.run_sync(parcels.track, parcel_id)

    # right: every call in a worker thread, the task group waits for all of them
    async with create_task_group() as group:
        for index, parcel_id in enumerate(ids):
            group.start_soon(track, index, parcel_id)
    return JsonResponse({"parcels": statuses})
