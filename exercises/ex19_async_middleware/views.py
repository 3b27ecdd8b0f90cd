"""Exercise 19's pages, each behind the middleware in middleware.py. You do not edit them."""

from django.http import HttpRequest, JsonResponse

from course.weather import fetch_forecast


async def forecast(request: HttpRequest) -> JsonResponse:
    return JsonResponse(await fetch_forecast())


async def remember_city(request: HttpRequest, city: str) -> JsonResponse:
    await request.session.aset("city", city)
    return JsonResponse({"city": city})


def about(request: HttpRequest) -> JsonResponse:
    """An older page that stays sync: Django runs it in a thread, whatever the middleware."""
    return JsonResponse({"course": "awaitlings", "chapter": 4})
