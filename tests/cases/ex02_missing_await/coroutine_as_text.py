from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    data = fetch_forecast()
    return JsonResponse({"forecast": str(data)})
