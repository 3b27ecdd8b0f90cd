# The other way round: `get` made sync to match `post`, calling the async API through
# async_to_sync (Django's docs, "async_to_sync"): Django accepts the class, but each
# forecast holds a worker thread that waits for the call.
import json

from asgiref.sync import async_to_sync
from django.http import JsonResponse
from django.views import View

from course.weather import fetch_forecast


class ForecastView(View):
    def get(self, request):
        return JsonResponse(async_to_sync(fetch_forecast)())

    def post(self, request):
        email = json.loads(request.body or b"{}").get("email", "")
        if "@" not in email:
            return JsonResponse({"error": "an email address, please"}, status=400)
        return JsonResponse({"subscribed": email}, status=201)
