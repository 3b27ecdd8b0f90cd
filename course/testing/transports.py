"""Route every HTTP client a learner may pick to the same fake upstream.

respx fakes httpx, and only at the connection pool: it answers in place of the
pool, so httpx's own `Limits` are not enforced, and clients other than httpx
are not faked at all. A correct view must not fail for picking another
client, or for capping its connections with `httpx.Limits`; so here:

- httpx: each connection pool lets at most its `max_connections` calls in at
  once, as the real pool does (queued calls wait for a free connection);
- requests: calls are answered by the fake upstream, as a sync client's
  (`requests` is optional);
- aiohttp: calls are answered by the fake upstream through aioresponses, as
  an async client's, honouring the session's total timeout (optional too).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import re
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpcore
import httpx
import pytest

if TYPE_CHECKING:
    from course.testing.upstream import FakeUpstream

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

# The method and total timeout of the aiohttp call being answered, set by the
# session's wrapper: aioresponses hands its callback neither.
_aiohttp_call: contextvars.ContextVar[tuple[str, float | None]] = contextvars.ContextVar(
    "awaitlings_aiohttp_call", default=("GET", None)
)


@contextlib.contextmanager
def every_client_to(upstream: FakeUpstream) -> Iterator[None]:
    """While active, httpx (with its limits), requests and aiohttp reach `upstream`."""
    with contextlib.ExitStack() as stack:
        # aioresponses first: the patches below wrap it, and are undone before it.
        aiohttp_faked = _answer_aiohttp(upstream, stack)
        patches = stack.enter_context(pytest.MonkeyPatch.context())
        _honour_pool_limits(patches)
        _answer_requests(upstream, patches)
        if aiohttp_faked:
            _tell_aiohttp_calls_apart(patches)
        yield


def _honour_pool_limits(patches: pytest.MonkeyPatch) -> None:
    answered_by_respx = httpcore.AsyncConnectionPool.handle_async_request
    gates: weakref.WeakKeyDictionary[Any, asyncio.Semaphore] = weakref.WeakKeyDictionary()

    async def handle_async_request(pool: Any, request: Any) -> Any:
        gate = gates.get(pool)
        if gate is None:
            gate = gates[pool] = asyncio.Semaphore(pool._max_connections)
        async with gate:
            return await answered_by_respx(pool, request)

    patches.setattr(httpcore.AsyncConnectionPool, "handle_async_request", handle_async_request)


def _answer_requests(upstream: FakeUpstream, patches: pytest.MonkeyPatch) -> None:
    try:
        import requests
        from requests.structures import CaseInsensitiveDict
    except ImportError:
        return

    def send(adapter: Any, prepared: Any, **kwargs: Any) -> Any:
        request = httpx.Request(
            prepared.method, prepared.url, headers=dict(prepared.headers), content=prepared.body
        )
        answer = upstream.find(request).answer_sync(request)
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.content
        response.encoding = "utf-8"
        response.url = prepared.url
        response.request = prepared
        return response

    patches.setattr(requests.adapters.HTTPAdapter, "send", send)


def _answer_aiohttp(upstream: FakeUpstream, stack: contextlib.ExitStack) -> bool:
    try:
        import aiohttp
        from aioresponses import CallbackResult, aioresponses
    except ImportError:
        return False

    async def answer(url: Any, **kwargs: Any) -> CallbackResult:
        method, timeout = _aiohttp_call.get()
        extensions = {"timeout": {"read": timeout}} if timeout else {}
        request = httpx.Request(method, str(url), extensions=extensions)
        try:
            response = await upstream.find(request).answer_async(request)
        except httpx.TimeoutException as error:
            raise aiohttp.ServerTimeoutError(str(error)) from None
        except httpx.TransportError as error:
            raise aiohttp.ClientConnectionError(str(error)) from None
        return CallbackResult(
            status=response.status_code, body=response.content, headers=dict(response.headers)
        )

    mocked = stack.enter_context(aioresponses())
    everything = re.compile(r".*")
    for method in METHODS:
        mocked.add(everything, method=method, callback=answer, repeat=True)
    return True


def _tell_aiohttp_calls_apart(patches: pytest.MonkeyPatch) -> None:
    import aiohttp

    answered_by_aioresponses = aiohttp.ClientSession._request

    async def request_with_timeout(session: Any, method: str, url: Any, **kwargs: Any) -> Any:
        timeout = kwargs.get("timeout") or session.timeout
        total = getattr(timeout, "total", timeout)
        token = _aiohttp_call.set((method, total if isinstance(total, int | float) else None))
        try:
            return await answered_by_aioresponses(session, method, url, **kwargs)
        finally:
            _aiohttp_call.reset(token)

    patches.setattr(aiohttp.ClientSession, "_request", request_with_timeout)
