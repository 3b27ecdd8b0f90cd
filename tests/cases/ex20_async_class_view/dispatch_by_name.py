# Async handlers on a View with its methods named (Django's docs, "Asynchronous
# class-based views": every handler async), http_method_names keeping out the rest.
import json

from django.http import JsonResponse
from django.views import View

from course.weather import fetch_forecast


class ForecastView(View):
    http_method_names = ("get", "post")

    async def get(self, request, *args, **kwargs):
        forecast = await fetch_forecast()
        return JsonResponse(forecast)

    async def post(self, request, *args, **kwargs):
        try:
            email = json.loads(request.body)["email"]
        except (ValueError, KeyError):
            email = ""
        if "@" not in email:
            return JsonResponse({"error": "an email address, please"}, status=400)
        return JsonResponse({"subscribed": email}, status=201)
