from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    return JsonResponse({"forecast": await fetch_forecast()})
