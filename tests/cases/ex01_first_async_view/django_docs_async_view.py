# Source: Django docs, "Asynchronous support" > "Async views": `async def` a view, await, return.
from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    # right: Django runs a coroutine view on the event loop; the await pauses only this request
    data = await fetch_forecast()
    return JsonResponse(data)
