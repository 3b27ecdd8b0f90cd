# A plain generator, the sync streaming of Django's docs ("Streaming large CSV files"),
# asking each API through async_to_sync: Django reads it in a worker thread, whole.
import json

from asgiref.sync import async_to_sync
from django.http import StreamingHttpResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


def event(name, data):
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def live_dashboard(request):
    def events():
        for name, fetch in (
            ("weather", fetch_weather),
            ("news", fetch_news),
            ("stocks", fetch_stocks),
        ):
            yield event(name, async_to_sync(fetch)())

    return StreamingHttpResponse(events(), content_type="text/event-stream")
