# `async def` inside, but nothing tells Django: it calls the function as a sync
# middleware, in a worker thread, and gets a coroutine back instead of a response.
import time


def server_timing(get_response):
    async def middleware(request):
        started = time.perf_counter()
        response = await get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    return middleware
