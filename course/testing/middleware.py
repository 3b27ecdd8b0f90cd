"""What a learner's middleware says about itself to the middleware around it.

Django builds the chain from the `sync_capable`/`async_capable` flags, but
each middleware then asks its neighbour's callable whether it is a coroutine
function (`asgiref.sync.iscoroutinefunction`), and `MiddlewareMixin`, which
Django's own session and auth middleware use, takes a "no" for a sync
neighbour. An instance whose `__call__` is `async def` answers "no" unless
it marks itself with `markcoroutinefunction(self)`, as Django's docs show
(Asynchronous support, middleware): the middleware in front then finishes
before the view has run (Django ticket #34328's family of surprises).
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction
from django.utils.module_loading import import_string


async def _async_get_response(request: object) -> None:
    """Stands for the rest of an async chain."""


def unmarked_async_instance(path: str) -> bool:
    """True when the middleware at `path` is a class whose instances, made in an async
    chain, have an `async def __call__` but do not say they are coroutine functions."""
    try:
        factory = import_string(path)
        if not isinstance(factory, type) or not iscoroutinefunction(factory.__call__):
            return False
        return not iscoroutinefunction(factory(_async_get_response))
    except Exception:  # the tests report a middleware that cannot be made
        return False


# What Django says when a middleware declared sync-only (no `async_capable`) hands it an
# `async def` function: it wraps that function with sync_to_async, which refuses it.
SYNC_ONLY_GAVE_A_COROUTINE = "sync_to_async can only be applied to sync functions"


def why_django_refused(error: Exception) -> str:
    """Why Django could not build its handler with the exercise's middleware, in plain words."""
    if isinstance(error, TypeError) and SYNC_ONLY_GAVE_A_COROUTINE in str(error):
        return (
            "Django could not load the middleware: nothing says it can run async (no "
            "`async_capable = True`), so Django took it for a sync-only one, yet it returned an "
            "`async def` function — tell Django what it is: `@async_only_middleware` or "
            "`@sync_and_async_middleware` (from `django.utils.decorators`)"
        )
    return f"Django could not load the middleware: {type(error).__name__}: {error}"
