"""Exercise 20 — a class of its own kind.

A class-based view: `get` answers the forecast, `post` subscribes a visitor
to the forecast by email. `get` was made async when the weather API became
async; `post` was left as it was. Django refuses the class: as_view() must
know whether the view is async, and half of it is, half of it is not.
"""

import json

from django.http import HttpRequest, JsonResponse
from django.views import View

from course.weather import fetch_forecast


class ForecastView(View):
    async def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse(await fetch_forecast())

    # TODO: every handler of a class-based view is async, or none is.
    def post(self, request: HttpRequest) -> JsonResponse:
        email = json.loads(request.body or b"{}").get("email", "")
        if "@" not in email:
            return JsonResponse({"error": "an email address, please"}, status=400)
        return JsonResponse({"subscribed": email}, status=201)
