# The class Django's docs show for an async-only middleware (topics/http/middleware,
# "Asynchronous support"): flags, `async def __call__`, and the mark.
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class ServerTimingMiddleware:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(self.get_response):
            markcoroutinefunction(self)

    async def __call__(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response


server_timing = ServerTimingMiddleware
