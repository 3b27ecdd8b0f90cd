# The shipped task and queue kept, the task cancelled when the stream ends (asyncio's docs,
# "Task Cancellation": cancel() a task nobody will await any more).
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

        task = asyncio.create_task(poll())
        try:
            while True:
                forecast = await forecasts.get()
                yield event("forecast", {**forecast, "watching": WATCHING})
        finally:
            task.cancel()
            WATCHING -= 1

    return StreamingHttpResponse(events(), content_type="text/event-stream")
