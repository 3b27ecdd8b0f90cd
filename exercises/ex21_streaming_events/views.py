"""Exercise 21 — events as they happen.

The dashboard as a live page, in server-sent events (`text/event-stream`):
one event per API, so a browser's EventSource shows each part of the page
as soon as it is known. As shipped, the view waits for all three APIs and
builds the whole body before it sends a byte: the first event arrives with
the last.
"""

import asyncio

from django.http import HttpRequest, HttpResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather
from course.events import event


async def named(name: str, fetch) -> tuple[str, dict]:
    return name, await fetch()


# TODO: send each event as soon as its API has answered.
async def live_dashboard(request: HttpRequest) -> HttpResponse:
    calls = [
        named("weather", fetch_weather),
        named("news", fetch_news),
        named("stocks", fetch_stocks),
    ]
    answers = await asyncio.gather(*calls)
    body = "".join(event(name, data) for name, data in answers)
    return HttpResponse(body, content_type="text/event-stream")
