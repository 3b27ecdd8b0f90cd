import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast


def forecast(request):
    return JsonResponse(asyncio.run(fetch_forecast()))
