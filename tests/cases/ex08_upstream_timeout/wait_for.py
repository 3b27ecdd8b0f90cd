import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0


async def forecast(request):
    try:
        data = await asyncio.wait_for(fetch_forecast(), DEADLINE)
    except TimeoutError:
        return JsonResponse({"error": "timed out"}, status=504)
    return JsonResponse(data)
