from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather


async def dashboard(request):
    calls = [fetch_weather(), fetch_news(), fetch_stocks()]  # created, not started
    weather, news, stocks = [await call for call in calls]
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
