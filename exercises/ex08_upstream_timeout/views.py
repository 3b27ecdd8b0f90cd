"""Exercise 08 — deadlines for slow upstreams.

Sometimes the weather API hangs: it accepts the request and never answers.
This view waits for it as long as it takes, which may be forever. A page
should give up after a deadline and say so with 504 Gateway Timeout.
"""

from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast

DEADLINE = 2.0  # seconds the page may wait for the weather API


async def forecast(request: HttpRequest) -> JsonResponse:
    # TODO: wait at most DEADLINE seconds (`async with asyncio.timeout(DEADLINE):`),
    # and answer 504 Gateway Timeout when the time is up.
    data = await fetch_forecast()
    return JsonResponse(data)
