# Wrong: coroutines handed to asyncio.wait(), which takes tasks (a TypeError since Python 3.11).
# Source: a new learner's attempt (issue 15); Python docs, "Coroutines and Tasks" > asyncio.wait
# ("Passing coroutine objects to wait() directly is forbidden").
import asyncio

from django.http import JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request):
    done, pending = await asyncio.wait(
        [fetch_from(mirror) for mirror in MIRRORS], return_when=asyncio.FIRST_COMPLETED
    )
    for call in pending:
        call.cancel()
    return JsonResponse(done.pop().result())
