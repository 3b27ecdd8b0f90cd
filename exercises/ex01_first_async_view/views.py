"""Exercise 01 — your first async view.

The forecast comes from a slow weather API. `fetch_forecast()` is a coroutine
function: it waits for the network with `await`. This view is a plain `def`,
so Django runs it in a worker thread, and `async_to_sync` makes that thread
sit blocked for the whole call while the event loop does the waiting.
"""

from asgiref.sync import async_to_sync
from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast


# TODO: declare the view with `async def` and `await fetch_forecast()` directly.
def forecast(request: HttpRequest) -> JsonResponse:
    data = async_to_sync(fetch_forecast)()
    return JsonResponse(data)
