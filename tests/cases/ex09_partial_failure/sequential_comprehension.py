# Wrong: each call guarded on its own, but awaited in turn in a comprehension: the coroutines
# are made first and run one after another, as each is awaited.
# Source: a new learner's attempt (issue 15); the "try/except around each await" of Q&A
# answers on handling one failing call among several.
from django.http import JsonResponse

from course.dashboard import fetch_news, fetch_stocks, fetch_weather

UNAVAILABLE = {"error": "unavailable"}


async def guarded(call):
    try:
        return await call
    except Exception:
        return UNAVAILABLE


async def dashboard(request):
    calls = (fetch_weather(), fetch_news(), fetch_stocks())
    weather, news, stocks = [await guarded(call) for call in calls]
    return JsonResponse({"weather": weather, "news": news, "stocks": stocks})
