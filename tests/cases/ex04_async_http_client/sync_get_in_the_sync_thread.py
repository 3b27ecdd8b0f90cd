import httpx
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # wrong: a worker thread (Django's one sync thread) waits for each call
    response = await sync_to_async(httpx.get)(FORECAST_URL, timeout=10)
    return JsonResponse(response.json())
