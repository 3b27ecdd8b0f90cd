# Right: one client for the process, made on first use and kept open for every request.
# Source: httpx docs, "Clients" ("use a Client instance ... reuse it"); the lazy global of
# Q&A answers on sharing one AsyncClient in Django.
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL

client = None


def shared_client():
    global client
    if client is None:
        client = httpx.AsyncClient(timeout=10)
    return client


async def forecast(request):
    response = await shared_client().get(FORECAST_URL)
    return JsonResponse(response.json())
