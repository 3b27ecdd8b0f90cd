# Wrong: a worker thread sits blocked in .result() for the whole API call the loop makes for it.
import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast


def blocking_fetch(loop):
    return asyncio.run_coroutine_threadsafe(fetch_forecast(), loop).result()


async def forecast(request):
    return JsonResponse(await asyncio.to_thread(blocking_fetch, asyncio.get_running_loop()))
