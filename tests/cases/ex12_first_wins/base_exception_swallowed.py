# Wrong: `except BaseException` also catches the view's cancellation and answers anyway.
import asyncio

from django.http import JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def first_answer():
    try:
        async with asyncio.TaskGroup() as group:
            calls = [group.create_task(fetch_from(mirror)) for mirror in MIRRORS]
            done, pending = await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
            for call in pending:
                call.cancel()
        return done.pop().result()
    except BaseException:
        return None


async def forecast(request):
    data = await first_answer()
    if data is None:
        return JsonResponse({"error": "no mirror answered"}, status=502)
    return JsonResponse(data)
