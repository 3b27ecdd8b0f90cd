import httpx
from asgiref.sync import sync_to_async
from django.http import JsonResponse

from course.weather import FORECAST_URL


def fetch():
    return httpx.get(FORECAST_URL, timeout=10).json()


async def forecast(request):
    return JsonResponse(await sync_to_async(fetch)())
