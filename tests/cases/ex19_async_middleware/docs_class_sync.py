# The class form of Django's docs ("Writing your own middleware"): sync-only, so under ASGI
# Django runs it in a worker thread that waits there for the async view.
import time


class server_timing:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
