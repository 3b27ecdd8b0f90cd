"""Exercise 01 — your first async view.

The forecast comes from a slow weather API. `fetch_forecast()` is a coroutine
function: it waits for the network with `await`. An `async def` view runs on
the event loop, and while it awaits the API, the loop serves other requests.
"""

from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast


async def forecast(request: HttpRequest) -> JsonResponse:
    data = await fetch_forecast()
    return JsonResponse(data)
