# Wrong: catching CancelledError answers 504 at the deadline, and also to a visitor who left.
import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0


async def forecast(request):
    async with asyncio.timeout(DEADLINE):
        try:
            data = await fetch_forecast()
        except asyncio.CancelledError:
            return JsonResponse({"error": "timed out"}, status=504)
    return JsonResponse(data)
