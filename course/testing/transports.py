"""Route every HTTP client a learner may pick to the same fake upstream.

respx fakes httpx, and only at the connection pool: it answers in place of the
pool, so httpx's own `Limits` are not enforced, and clients other than httpx
are not faked at all. A correct view must not fail for picking another
client, or for capping its connections with `httpx.Limits`; so here:

- httpx: each connection pool lets at most its `max_connections` calls in at
  once, as the real pool does (queued calls wait for a free connection);
- requests: calls are answered by the fake upstream, as a sync client's
  (`requests` is optional);
- aiohttp: calls are answered by the fake upstream, as an async client's,
  honouring the session's total timeout (optional too).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpcore
import httpx
import pytest

if TYPE_CHECKING:
    from course.testing.upstream import FakeUpstream


@contextlib.contextmanager
def every_client_to(upstream: FakeUpstream) -> Iterator[None]:
    """While active, httpx (with its limits), requests and aiohttp reach `upstream`."""
    with pytest.MonkeyPatch.context() as patches:
        _honour_pool_limits(patches)
        _answer_requests(upstream, patches)
        _answer_aiohttp(upstream, patches)
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


def _answer_aiohttp(upstream: FakeUpstream, patches: pytest.MonkeyPatch) -> None:
    try:
        import aiohttp
    except ImportError:
        return

    async def request(session: Any, method: str, url: Any, **kwargs: Any) -> FakeAiohttpResponse:
        if session.closed:
            raise RuntimeError("Session is closed")
        timeout = kwargs.get("timeout") or session.timeout
        total = getattr(timeout, "total", None)
        extensions = {"timeout": {"read": total}} if total else {}
        target = str(session._build_url(url)) if hasattr(session, "_build_url") else str(url)
        params = kwargs.get("params")
        request = httpx.Request(method, target, params=params, extensions=extensions)
        try:
            answer = await upstream.find(request).answer_async(request)
        except httpx.TimeoutException as error:
            raise aiohttp.ServerTimeoutError(str(error)) from None
        except httpx.TransportError as error:
            raise aiohttp.ClientConnectionError(str(error)) from None
        response = FakeAiohttpResponse(method, str(request.url), answer)
        if kwargs.get("raise_for_status", getattr(session, "_raise_for_status", False)) is True:
            response.raise_for_status()
        return response

    patches.setattr(aiohttp.ClientSession, "_request", request)


class FakeAiohttpResponse:
    """What aiohttp's `ClientResponse` offers a view, for an answer of the fake upstream.

    Built by hand rather than with aioresponses, whose responses break with
    each change of `ClientResponse.__init__` (aiohttp 3.14 broke 0.7.9).
    """

    def __init__(self, method: str, url: str, answer: httpx.Response) -> None:
        self.method = method
        self.url = url
        self.status = answer.status_code
        self.reason = answer.reason_phrase
        self.headers = dict(answer.headers)
        self.content_type = answer.headers.get("content-type", "application/json")
        self._body = answer.content

    @property
    def ok(self) -> bool:
        return self.status < 400

    async def read(self) -> bytes:
        return self._body

    async def text(self, encoding: str | None = None, **_: Any) -> str:
        return self._body.decode(encoding or "utf-8")

    async def json(self, *, loads: Any = json.loads, **_: Any) -> Any:
        return loads(self._body.decode())

    def raise_for_status(self) -> None:
        if self.status >= 400:
            import aiohttp
            from multidict import CIMultiDict, CIMultiDictProxy
            from yarl import URL

            info = aiohttp.RequestInfo(URL(self.url), self.method, CIMultiDictProxy(CIMultiDict()))
            raise aiohttp.ClientResponseError(info, (), status=self.status, message=self.reason)

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass

    async def wait_for_close(self) -> None:
        pass

    async def __aenter__(self) -> FakeAiohttpResponse:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        pass
