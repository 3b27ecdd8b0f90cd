"""Exercise 22 — when the visitor leaves.

A live forecast in server-sent events: the stream asks the weather API every
INTERVAL seconds and sends each forecast, with how many visitors are watching.
A task polls the API and hands each forecast to the stream through a queue.
When the visitor leaves, Django cancels the stream, but not that task: it
goes on asking the API for nobody, forever, and the visitor is never counted
out.
"""

import asyncio

from django.http import HttpRequest, StreamingHttpResponse

from course.events import event
from course.weather import fetch_forecast

INTERVAL = 2.0  # seconds between two questions to the API
WATCHING = 0  # visitors watching now: each event tells them


# TODO: stop asking the API when the visitor leaves, and count them out.
async def live_forecast(request: HttpRequest) -> StreamingHttpResponse:
    async def events():
        global WATCHING
        WATCHING += 1
        forecasts = asyncio.Queue()

        async def poll():
            while True:
                await forecasts.put(await fetch_forecast())
                await asyncio.sleep(INTERVAL)

        asyncio.create_task(poll())
        while True:
            forecast = await forecasts.get()
            yield event("forecast", {**forecast, "watching": WATCHING})

    return StreamingHttpResponse(events(), content_type="text/event-stream")
