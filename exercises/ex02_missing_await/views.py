"""Exercise 02 — the missing await.

This view is already `async def`, but it calls the coroutine function
`fetch_forecast()` without `await`. That call hands back a coroutine object
and runs nothing: the weather API is never asked, and the view tries to send
the coroutine object itself back as JSON.
"""

from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast


async def forecast(request: HttpRequest) -> JsonResponse:
    # TODO: `await` the call, so the coroutine runs and gives you the forecast.
    data = fetch_forecast()
    return JsonResponse({"forecast": data})
