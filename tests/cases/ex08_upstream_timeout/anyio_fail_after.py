# Right: anyio's fail_after cancels the call at the deadline and raises TimeoutError.
# Source: anyio docs, "Cancellation and timeouts" > "Timeouts"
import anyio
from django.http import JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0


async def forecast(request):
    try:
        with anyio.fail_after(DEADLINE):
            data = await fetch_forecast()
    except TimeoutError:
        return JsonResponse({"error": "timed out"}, status=504)
    return JsonResponse(data)
