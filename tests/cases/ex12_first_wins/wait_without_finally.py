# Wrong: the losing call is cancelled, but a view cancelled in asyncio.wait leaves both running.
import asyncio

from django.http import JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request):
    calls = [asyncio.create_task(fetch_from(mirror)) for mirror in MIRRORS]
    done, pending = await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
    for call in pending:
        call.cancel()
    return JsonResponse(done.pop().result())
