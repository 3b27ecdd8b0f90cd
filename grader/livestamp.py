"""What `python grader live` serves: the course, each view saying when it ran.

A request sent with others waits first for the server to get to it: a view
that blocks the event loop makes the next requests wait, one after another,
for their view to even begin (`grader.timeline` draws the staircase), while
an async view's requests all begin at once. So every view of the course is
wrapped, keeping its kind (an async view stays a coroutine function, a sync
one runs where Django runs it), and its response carries the moments the
view began and returned in two headers, on the machine's monotonic clock,
which the grader's `time.perf_counter` reads too (Linux). Nothing else
changes: the course's own application serves the requests.
"""

import functools
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.urls import URLPattern, URLResolver, get_resolver

from course.asgi import application
from grader.live import BEGAN, RETURNED

__all__ = ["application"]


def stamped(view: Callable[..., Any]) -> Callable[..., Any]:
    def stamp(response: Any, began: float) -> Any:
        if hasattr(response, "__setitem__"):
            response[BEGAN] = repr(began)
            response[RETURNED] = repr(time.perf_counter())
        return response

    if iscoroutinefunction(view):

        async def async_view(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            return stamp(await view(*args, **kwargs), began)

        return markcoroutinefunction(functools.wraps(view)(async_view))

    @functools.wraps(view)
    def sync_view(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        return stamp(view(*args, **kwargs), began)

    return sync_view


def stamp_every_view(patterns: list[URLPattern | URLResolver]) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            stamp_every_view(pattern.url_patterns)
        else:
            pattern.callback = stamped(pattern.callback)


stamp_every_view(get_resolver().url_patterns)
