# StreamingHttpResponse given the finished events as a list: a sync iterable, which Django
# under ASGI reads whole before sending (and warns about), after every call has ended.
import asyncio
import json

from django.http import StreamingHttpResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


def event(name, data):
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def live_dashboard(request):
    weather, news, stocks = await asyncio.gather(fetch_weather(), fetch_news(), fetch_stocks())
    events = [event("weather", weather), event("news", news), event("stocks", stocks)]
    return StreamingHttpResponse(events, content_type="text/event-stream")
