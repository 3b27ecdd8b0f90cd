# Source: httpx docs, "Async Support" and "Clients": one long-lived AsyncClient, reused.
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

client = httpx.AsyncClient(timeout=10)


async def forecast(request):
    # right: a shared AsyncClient pools connections; its calls are awaited
    response = await client.get(FORECAST_URL)
    return JsonResponse(response.json())
