import asyncio

from django.http import JsonResponse

from course.weather import fetch_forecast


async def forecast(request):
    # wrong: the view already runs on the server's loop; asyncio.run() cannot start another
    return JsonResponse(asyncio.run(fetch_forecast()))
