# Half of the fix: the count taken down in `finally`, but the polling task left running
# (asyncio's docs warn: keep a reference to a task, and cancel what you start).
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
        forecasts = asyncio.Queue()

        async def poll():
            while True:
                await forecasts.put(await fetch_forecast())
                await asyncio.sleep(INTERVAL)

        asyncio.create_task(poll())
        try:
            while True:
                forecast = await forecasts.get()
                yield event("forecast", {**forecast, "watching": WATCHING})
        finally:
            WATCHING -= 1

    return StreamingHttpResponse(events(), content_type="text/event-stream")
