# The sync part kept as a sync method, run through sync_to_async from an async handler
# (Django's docs, "Asynchronous support": sync_to_async), so the class is all async.
import json

from asgiref.sync import sync_to_async
from django.http import JsonResponse
from django.views import View

from course.weather import fetch_forecast


class ForecastView(View):
    async def get(self, request):
        return JsonResponse(await fetch_forecast())

    async def post(self, request):
        return await sync_to_async(self.subscribe)(request)

    def subscribe(self, request):
        email = json.loads(request.body or b"{}").get("email", "")
        if "@" not in email:
            return JsonResponse({"error": "an email address, please"}, status=400)
        return JsonResponse({"subscribed": email}, status=201)
