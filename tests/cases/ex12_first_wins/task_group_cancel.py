# Wrong: it uncancels the view's task, so a visitor who leaves gets no cancellation.
import asyncio

from django.http import JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request):
    winner = {}

    async def ask(mirror, group_task):
        winner.setdefault("data", await fetch_from(mirror))
        group_task.cancel()  # the first answer ends the race

    try:
        async with asyncio.TaskGroup() as tg:
            for mirror in MIRRORS:
                tg.create_task(ask(mirror, asyncio.current_task()))
    except asyncio.CancelledError:
        asyncio.current_task().uncancel()
    return JsonResponse(winner["data"])
