# Django's docs class without its last two lines: the instance is never marked, so the
# MiddlewareMixin-based session middleware in front takes it for a sync one.
import time


class server_timing:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    async def __call__(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
