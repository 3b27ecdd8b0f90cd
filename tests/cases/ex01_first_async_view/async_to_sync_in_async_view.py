from asgiref.sync import async_to_sync
from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    return JsonResponse(async_to_sync(fetch_forecast)())
