# Wrong: Django's per-view cache around the async view. Since Django 5.0 the decorator accepts
# async views, but its middleware reads and writes the cache with the sync API, on the loop.
# Source: Django docs, "Django's cache framework" > "The per-view cache" (@cache_page(60 * 15))
from django.http import JsonResponse
from django.views.decorators.cache import cache_page

from course.weather import fetch_forecast

TTL = 60


@cache_page(TTL)
async def forecast(request):
    return JsonResponse(await fetch_forecast())
