"""Exercise 07 — fan out with gather.

The dashboard shows the weather, the news and the stock prices, from three
independent APIs. The view awaits them one after another, so the page takes
the sum of the three latencies, when it could take only the slowest one.
"""

from django.http import HttpRequest, JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


async def dashboard(request: HttpRequest) -> JsonResponse:
    # TODO: the calls do not depend on each other: run them at once with
    # `asyncio.gather(...)` (or an `asyncio.TaskGroup`) and await them together.
    weather = await fetch_weather()
    news = await fetch_news()
    stocks = await fetch_stocks()
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
