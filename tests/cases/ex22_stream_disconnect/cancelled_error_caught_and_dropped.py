# Quart's guide, "Detecting disconnection", its short form: `except asyncio.CancelledError:
# # Has disconnected`, with no `raise`. The stream ends, but the cancellation is swallowed.
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
        try:
            while True:
                forecast = await fetch_forecast()
                yield event("forecast", {**forecast, "watching": WATCHING})
                await asyncio.sleep(INTERVAL)
        except asyncio.CancelledError:
            pass  # Has disconnected
        finally:
            WATCHING -= 1

    return StreamingHttpResponse(events(), content_type="text/event-stream")
