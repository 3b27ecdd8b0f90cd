import asyncio

from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


async def dashboard(request):
    results = asyncio.gather(fetch_weather(), fetch_news(), fetch_stocks())
    return JsonResponse({"dashboard": results})
