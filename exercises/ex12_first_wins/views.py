"""Exercise 12 — first answer wins.

The weather API has two mirrors that give the same answer; which one is
faster changes from moment to moment. The view asks the first mirror and
waits for it, even when it is the slow one today.
"""

from django.http import HttpRequest, JsonResponse

from course.mirrors import MIRRORS, fetch_from


async def forecast(request: HttpRequest) -> JsonResponse:
    # TODO: ask both mirrors at once, answer with the first answer that arrives,
    # and cancel the call that is still running.
    data = await fetch_from(MIRRORS[0])
    return JsonResponse(data)
