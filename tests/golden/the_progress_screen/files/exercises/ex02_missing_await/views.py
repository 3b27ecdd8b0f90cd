from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast


async def forecast(request: HttpRequest) -> JsonResponse:
    data = await fetch_forecast(
    return JsonResponse({"forecast": data})
