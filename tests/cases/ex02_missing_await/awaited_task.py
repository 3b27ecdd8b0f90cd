# Source: Python docs, "Coroutines and Tasks": "asyncio.create_task() ... the
# coroutine is scheduled to run soon"; awaiting the task gives its result.
import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    # right: the task runs the coroutine, and awaiting it gives the forecast
    task = asyncio.create_task(fetch_forecast())
    return JsonResponse({"forecast": await task})
