# Wrong: a client made for each request and never closed: its connections stay open.
# Source: a new learner's attempt (issue 15); httpx docs, "Async Support" ("use
# `async with httpx.AsyncClient()` ... or call `await client.aclose()` explicitly").
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    client = httpx.AsyncClient(timeout=10)
    response = await client.get(FORECAST_URL)
    return JsonResponse(response.json())
