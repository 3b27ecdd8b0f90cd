# The loop in `except Exception`, the count taken down after it: since Python 3.8
# CancelledError is no Exception, so when the visitor leaves the line after is never run.
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
        except Exception:
            pass
        WATCHING -= 1

    return StreamingHttpResponse(events(), content_type="text/event-stream")
