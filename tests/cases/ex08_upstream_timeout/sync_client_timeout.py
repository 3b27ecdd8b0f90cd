# Wrong: a plain `def` view with the sync client's own timeout (httpx's docs, "Timeouts":
# `httpx.get(url, timeout=...)`). It answers 504 in time, but each waiting request holds a
# worker thread for the whole wait.
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

DEADLINE = 2.0


def forecast(request):
    try:
        response = httpx.get(FORECAST_URL, timeout=DEADLINE)
    except httpx.TimeoutException:
        return JsonResponse({"error": "the weather service did not answer in time"}, status=504)
    return JsonResponse(response.json())
