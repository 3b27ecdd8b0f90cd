import httpx
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # wrong: a thread per request, blocked in httpx.get() and deaf to cancellation
    response = await sync_to_async(httpx.get, thread_sensitive=False)(FORECAST_URL)
    return JsonResponse(response.json())
