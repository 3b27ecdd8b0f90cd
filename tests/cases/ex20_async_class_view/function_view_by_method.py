# One async function for both methods, as Django's docs write a view before classes
# ("Writing views"), with `require_http_methods` to answer 405 to the rest.
import json

from django.http import JsonResponse
from django.views.decorators.http import require_http_methods

from course.weather import fetch_forecast


@require_http_methods(["GET", "POST"])
async def forecast(request):
    if request.method == "GET":
        return JsonResponse(await fetch_forecast())
    email = json.loads(request.body or b"{}").get("email", "")
    if "@" not in email:
        return JsonResponse({"error": "an email address, please"}, status=400)
    return JsonResponse({"subscribed": email}, status=201)


class ForecastView:  # what urls.py asks for: a view made by as_view()
    @staticmethod
    def as_view():
        return forecast
