# Wrong: tenacity's sync decorator, as its README writes it (`@retry(stop=stop_after_attempt(...),
# wait=wait_exponential(...))`), on a plain `def` view: each wait is a time.sleep() that holds
# a worker thread, where `await asyncio.sleep()` holds none.
import httpx
from django.http import JsonResponse
from tenacity import RetryError, retry, retry_if_result, stop_after_attempt, wait_exponential

from course.weather import FORECAST_URL

ATTEMPTS = 4
BACKOFF = 0.5


@retry(
    stop=stop_after_attempt(ATTEMPTS),
    wait=wait_exponential(multiplier=BACKOFF),
    retry=retry_if_result(lambda response: response.status_code == 503),
)
def get_forecast():
    return httpx.get(FORECAST_URL, timeout=10)


def forecast(request):
    try:
        return JsonResponse(get_forecast().json())
    except RetryError:
        return JsonResponse({"error": "the weather service is busy"}, status=503)
