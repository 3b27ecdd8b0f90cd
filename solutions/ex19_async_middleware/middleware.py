"""Exercise 19 — a middleware in every request's way (solved).

Declared both sync- and async-capable, it hands Django a coroutine when the
chain is async (under an ASGI server) and a plain function when it is sync
(under WSGI): Django calls it on the event loop, and no request waits in a
worker thread for it.
"""

import time

from asgiref.sync import iscoroutinefunction
from django.utils.decorators import sync_and_async_middleware


def add_timing(response, started: float):
    took = (time.perf_counter() - started) * 1000
    response["Server-Timing"] = f"app;dur={took:.1f}"
    return response


@sync_and_async_middleware
def server_timing(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            started = time.perf_counter()
            return add_timing(await get_response(request), started)

    else:

        def middleware(request):
            started = time.perf_counter()
            return add_timing(get_response(request), started)

    return middleware
