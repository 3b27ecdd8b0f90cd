# Quart's guide, "Detecting disconnection" (its broadcast tutorial's SSE handler): the
# cancellation is caught inside `while True` to clean up, and never raised again.
import asyncio
import json

from django.http import StreamingHttpResponse

from course.weather import fetch_forecast

INTERVAL = 2.0
WATCHING = 0


def event(name, data):
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def live_forecast(request):
    async def events():
        global WATCHING
        WATCHING += 1
        while True:
            try:
                forecast = await fetch_forecast()
                yield event("forecast", {**forecast, "watching": WATCHING})
                await asyncio.sleep(INTERVAL)
            except asyncio.CancelledError:
                WATCHING -= 1

    return StreamingHttpResponse(events(), content_type="text/event-stream")
