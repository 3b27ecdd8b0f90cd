# asyncio.wait(..., return_when=FIRST_COMPLETED) in a loop (asyncio's docs, "Waiting
# Primitives"), yielding each finished task's event, the rest still pending.
import asyncio
import json

from django.http import StreamingHttpResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


def event(name, data):
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def live_dashboard(request):
    async def events():
        names = {
            asyncio.create_task(fetch_weather()): "weather",
            asyncio.create_task(fetch_news()): "news",
            asyncio.create_task(fetch_stocks()): "stocks",
        }
        pending = set(names)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield event(names[task], task.result())

    return StreamingHttpResponse(events(), content_type="text/event-stream")
