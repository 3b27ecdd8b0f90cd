# `@sync_to_async` put on the sync handler (asgiref's README: "it can be used as a
# decorator"): the method becomes a coroutine function that binds to its instance, so the
# class is all async, and the sync body runs in a worker thread for a moment.
import json

from asgiref.sync import sync_to_async
from django.http import JsonResponse
from django.views import View

from course.weather import fetch_forecast


class ForecastView(View):
    async def get(self, request):
        return JsonResponse(await fetch_forecast())

    @sync_to_async
    def post(self, request):
        email = json.loads(request.body or b"{}").get("email", "")
        if "@" not in email:
            return JsonResponse({"error": "an email address, please"}, status=400)
        return JsonResponse({"subscribed": email}, status=201)
