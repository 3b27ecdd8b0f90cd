"""Exercise 20 — a class of its own kind (solved).

Every handler is async, so as_view() makes an async view of the class.
`post` awaits nothing: an async handler may just answer.
"""

import json

from django.http import HttpRequest, JsonResponse
from django.views import View

from course.weather import fetch_forecast


class ForecastView(View):
    async def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse(await fetch_forecast())

    async def post(self, request: HttpRequest) -> JsonResponse:
        email = json.loads(request.body or b"{}").get("email", "")
        if "@" not in email:
            return JsonResponse({"error": "an email address, please"}, status=400)
        return JsonResponse({"subscribed": email}, status=201)
