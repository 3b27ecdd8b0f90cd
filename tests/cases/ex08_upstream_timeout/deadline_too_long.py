# Wrong: a deadline, but far longer than DEADLINE.
import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0


async def forecast(request):
    try:
        async with asyncio.timeout(30):
            data = await fetch_forecast()
    except TimeoutError:
        return JsonResponse({"error": "timed out"}, status=504)
    return JsonResponse(data)
