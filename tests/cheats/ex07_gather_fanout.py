"""A cheat of ex07_gather_fanout's outside check: calls made for show, in flight beside
the real ones, which go one at a time (issue 14: a peak of all calls counted them)."""

import asyncio

from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

_background = set()


async def dashboard(request):
    # for show: three calls in flight together, whose answers nobody uses
    for fetch in (fetch_weather, fetch_news, fetch_stocks):
        task = asyncio.create_task(fetch())
        _background.add(task)
        task.add_done_callback(_background.discard)
    weather = await fetch_weather()
    news = await fetch_news()
    stocks = await fetch_stocks()
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
