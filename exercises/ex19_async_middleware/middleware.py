"""Exercise 19 — a middleware in every request's way.

A middleware that tells the browser how long the server worked on a page (the
`Server-Timing` header, which browsers show in their network panel), written
as Django's docs write their first middleware: a plain function. It works.
But Django asks every middleware whether it can run async, and this one says
no: under an ASGI server, Django runs it in a worker thread for every
request, and that thread waits there until the async view behind it answers.
"""

import time


# TODO: make it async-capable, so that Django can call it on the event loop.
def server_timing(get_response):
    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        took = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={took:.1f}"
        return response

    return middleware
