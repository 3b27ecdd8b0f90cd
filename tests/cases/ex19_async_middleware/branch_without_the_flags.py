# Both branches, but no flags (as in supertokens-python's test project,
# tests/auth-react/django3x/mysite/middleware.py): Django takes the function for
# sync-only and hands it a sync get_response, so the async branch never runs.
import asyncio
import time


def server_timing(get_response):
    if asyncio.iscoroutinefunction(get_response):

        async def middleware(request):
            started = time.perf_counter()
            response = await get_response(request)
            response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            return response

        return middleware

    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    return middleware
