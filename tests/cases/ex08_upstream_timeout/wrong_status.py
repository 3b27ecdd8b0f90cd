import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0


async def forecast(request):
    try:
        async with asyncio.timeout(DEADLINE):
            data = await fetch_forecast()
    except TimeoutError:
        return JsonResponse({"error": "timed out"}, status=500)
    return JsonResponse(data)
