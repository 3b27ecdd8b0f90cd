"""Exercise 02 — the missing await.

Calling the coroutine function `fetch_forecast()` hands back a coroutine
object; `await` runs it and gives its result, the forecast.
"""

from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast


async def forecast(request: HttpRequest) -> JsonResponse:
    data = await fetch_forecast()
    return JsonResponse({"forecast": data})
