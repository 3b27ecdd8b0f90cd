# Wrong: asyncio.wait with a timeout answers 504 but leaves the call running.
import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0


async def forecast(request):
    task = asyncio.create_task(fetch_forecast())
    done, _ = await asyncio.wait({task}, timeout=DEADLINE)
    if not done:
        return JsonResponse({"error": "timed out"}, status=504)
    return JsonResponse(task.result())
