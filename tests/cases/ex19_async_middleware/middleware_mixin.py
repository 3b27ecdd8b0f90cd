# The hook style of Django's docs ("Upgrading pre-Django 1.10-style middleware"):
# MiddlewareMixin is async-capable, and runs the hooks (here process_request and
# process_response) in a worker thread for a moment each; no thread waits for the view.
import time

from django.utils.deprecation import MiddlewareMixin


class server_timing(MiddlewareMixin):
    def process_request(self, request):
        request.started = time.perf_counter()

    def process_response(self, request, response):
        took = (time.perf_counter() - request.started) * 1000
        response["Server-Timing"] = f"app;dur={took:.1f}"
        return response
