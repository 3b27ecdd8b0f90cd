"""Share TLS contexts between the httpx clients a test run creates.

Each `httpx.Client()` or `AsyncClient()` builds a new SSL context and reads the
CA bundle: about 40 ms, paid on every request by a view that opens a client per
request, as the exercises do. Exercise tests never open a TLS connection (respx
answers in place of the network), so reusing contexts changes nothing but the
time a run takes.
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
    cached = functools.cache(original)

    def create_ssl_context(*args: Any, **kwargs: Any) -> Any:
        try:
            return cached(*args, **kwargs)
        except TypeError:  # unhashable arguments (a custom SSLContext): no sharing
            return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transports, "create_ssl_context", create_ssl_context)
        yield
