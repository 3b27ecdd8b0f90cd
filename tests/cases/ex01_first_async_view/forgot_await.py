from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    # wrong: the coroutine is created, never run
    data = fetch_forecast()
    return JsonResponse({"forecast": str(data)})
