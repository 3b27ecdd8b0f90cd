"""Share TLS contexts between the httpx clients a test run creates.

Each `httpx.Client()` or `AsyncClient()` builds a new SSL context and reads the
CA bundle: about 40 ms, paid on every request by a view that opens a client per
request, as the exercises do (0.1 s on the 2-core machine of the README's
figures). Exercise tests never open a TLS connection (respx answers in place
of the network), so reusing contexts changes nothing but the time a run takes.

The contexts are kept for the process, and the watch's warm worker
(`grader/worker.py`) makes the one every client asks for before it forks its
runs (`make_the_default_context`): each run then finds it made.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx._transports.default as transports
import pytest


@contextmanager
def shared_tls_contexts() -> Iterator[None]:
    original: Callable[..., Any] | None = getattr(transports, "create_ssl_context", None)
    if original is None:  # httpx moved it: run at normal speed
        yield
        return
    cached = kept(original)

    def create_ssl_context(*args: Any, **kwargs: Any) -> Any:
        try:
            return cached(*args, **kwargs)
        except TypeError:  # unhashable arguments (a custom SSLContext): no sharing
            return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transports, "create_ssl_context", create_ssl_context)
        yield


@functools.cache
def kept(create: Callable[..., Any]) -> Callable[..., Any]:
    """`create`, remembering what it made for each set of arguments, for the process."""
    return functools.cache(create)


def make_the_default_context() -> None:
    """Make the context of a client with httpx's defaults (as httpx asks for it), if this
    httpx asks as expected; a context made for nothing costs only the time."""
    original = getattr(transports, "create_ssl_context", None)
    if original is not None:
        kept(original)(verify=True, cert=None, trust_env=True)
