import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0


async def forecast(request):
    async with asyncio.timeout(DEADLINE):
        data = await fetch_forecast()
    return JsonResponse(data)
