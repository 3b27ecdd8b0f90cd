# Each call a task that puts its answer on an asyncio.Queue, the generator yielding from the
# queue, the shape of many SSE tutorials (e.g. the "asyncio.Queue" fan-in of Python's docs,
# "Queues" example).
import asyncio
import json

from django.http import StreamingHttpResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


def event(name, data):
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def live_dashboard(request):
    async def events():
        queue = asyncio.Queue()

        async def ask(name, fetch):
            await queue.put((name, await fetch()))

        sources = {"weather": fetch_weather, "news": fetch_news, "stocks": fetch_stocks}
        tasks = [asyncio.create_task(ask(name, fetch)) for name, fetch in sources.items()]
        try:
            for _ in tasks:
                name, data = await queue.get()
                yield event(name, data)
        finally:
            for task in tasks:
                task.cancel()

    return StreamingHttpResponse(events(), content_type="text/event-stream")
