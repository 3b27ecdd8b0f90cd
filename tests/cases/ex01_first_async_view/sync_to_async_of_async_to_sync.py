from asgiref.sync import async_to_sync, sync_to_async
from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    # wrong: a worker thread sits blocked in async_to_sync() while the loop fetches
    data = await sync_to_async(async_to_sync(fetch_forecast), thread_sensitive=False)()
    return JsonResponse(data)
