# Both handlers sync, the API asked with the sync httpx client, as a pre-async Django
# project does (httpx's docs, "Quickstart"): every forecast holds a worker thread.
import json

import httpx
from django.http import JsonResponse
from django.views import View

from course.weather import FORECAST_URL


class ForecastView(View):
    def get(self, request):
        return JsonResponse(httpx.get(FORECAST_URL, timeout=10).json())

    def post(self, request):
        email = json.loads(request.body or b"{}").get("email", "")
        if "@" not in email:
            return JsonResponse({"error": "an email address, please"}, status=400)
        return JsonResponse({"subscribed": email}, status=201)
