# Source: httpx docs, "Clients" > "Request instances": `client.build_request`, `client.send`.
import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    # right: AsyncClient.send() is awaited like .get()
    async with httpx.AsyncClient() as client:
        api_request = client.build_request("GET", FORECAST_URL)
        response = await client.send(api_request)
    return JsonResponse(response.json())
