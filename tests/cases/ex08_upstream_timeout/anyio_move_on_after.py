# Right: anyio's move_on_after cancels the call at the deadline; the scope says it did.
# Source: anyio docs, "Cancellation and timeouts" > "Timeouts"
import anyio
from django.http import JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0


async def forecast(request):
    with anyio.move_on_after(DEADLINE) as scope:
        return JsonResponse(await fetch_forecast())
    if scope.cancelled_caught:
        return JsonResponse({"error": "timed out"}, status=504)
