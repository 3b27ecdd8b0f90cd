"""Exercise 22 — when the visitor leaves (solved).

The stream asks the API itself, so the cancellation Django sends when the
visitor leaves lands in the stream's own wait (the API call, or the sleep)
and stops it; `finally` counts the visitor out, whatever way the stream ends.
"""

import asyncio

from django.http import HttpRequest, StreamingHttpResponse

from course.events import event
from course.weather import fetch_forecast

INTERVAL = 2.0  # seconds between two questions to the API
WATCHING = 0  # visitors watching now: each event tells them


async def live_forecast(request: HttpRequest) -> StreamingHttpResponse:
    async def events():
        global WATCHING
        WATCHING += 1
        try:
            while True:
                forecast = await fetch_forecast()
                yield event("forecast", {**forecast, "watching": WATCHING})
                await asyncio.sleep(INTERVAL)
        finally:
            WATCHING -= 1

    return StreamingHttpResponse(events(), content_type="text/event-stream")
