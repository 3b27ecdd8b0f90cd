# An async generator awaiting each API in turn, as Django's docs' async streaming example
# reads (StreamingHttpResponse, "an asynchronous iterator"): it streams, but the page takes
# the sum of the three calls.
import json

from django.http import StreamingHttpResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


def event(name, data):
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def live_dashboard(request):
    async def events():
        yield event("weather", await fetch_weather())
        yield event("news", await fetch_news())
        yield event("stocks", await fetch_stocks())

    return StreamingHttpResponse(events(), content_type="text/event-stream")
