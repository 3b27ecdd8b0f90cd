# Source: Django docs, "Asynchronous support": any sync function can be called
# from async code through sync_to_async (which is what aget/aset do inside).
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.http import JsonResponse

from course.weather import fetch_forecast

TTL = 60


async def forecast(request):
    # right: the sync cache calls run in a worker thread
    data = await sync_to_async(cache.get)("forecast")
    if data is None:
        data = await fetch_forecast()
        await sync_to_async(cache.set)("forecast", data, TTL)
    return JsonResponse(data)
