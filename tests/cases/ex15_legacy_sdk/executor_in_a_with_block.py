# Wrong: a pool made for the request in a `with` block. The calls run in its threads, but
# leaving the block shuts the pool down and waits for its threads to end, on the event loop.
# Source: Python docs, asyncio "Event Loop" > run_in_executor() example
# ("with concurrent.futures.ThreadPoolExecutor() as pool: result = await
# loop.run_in_executor(pool, blocking_io)").
import asyncio
import concurrent.futures

from django.http import JsonResponse

from . import parcels


async def tracking(request):
    ids = request.GET["ids"].split(",")
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor() as pool:
        statuses = await asyncio.gather(
            *(loop.run_in_executor(pool, parcels.track, parcel_id) for parcel_id in ids)
        )
    return JsonResponse({"parcels": statuses})
