"""Exercise 21 — events as they happen (solved).

`StreamingHttpResponse` over an async generator: Django sends each event as
the generator yields it, and `asyncio.as_completed` yields the answers in
the order they come, while the three calls run together.
"""

import asyncio

from django.http import HttpRequest, StreamingHttpResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather
from course.events import event


async def named(name: str, fetch) -> tuple[str, dict]:
    return name, await fetch()


async def live_dashboard(request: HttpRequest) -> StreamingHttpResponse:
    async def events():
        calls = [
            named("weather", fetch_weather),
            named("news", fetch_news),
            named("stocks", fetch_stocks),
        ]
        for next_answer in asyncio.as_completed(calls):
            name, data = await next_answer
            yield event(name, data)

    return StreamingHttpResponse(events(), content_type="text/event-stream")
