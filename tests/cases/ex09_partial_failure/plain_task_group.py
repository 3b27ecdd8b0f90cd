import asyncio

from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


async def dashboard(request):
    async with asyncio.TaskGroup() as tg:
        weather = tg.create_task(fetch_weather())
        news = tg.create_task(fetch_news())
        stocks = tg.create_task(fetch_stocks())
    return JsonResponse(
        {"weather": weather.result(), "news": news.result(), "stocks": stocks.result()}
    )
