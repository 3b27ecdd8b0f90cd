"""A fake slow third-party API, built on respx.

An exercise's view talks to "the weather API" over httpx (or aiohttp, or
requests: `transports` routes them here too). The test registers each
endpoint the view needs, with a payload and a latency, and afterwards asks
what happened: how many calls, how many were in flight at once, whether they
came through a sync or an async client, how many were cancelled. Calls that
hold a worker thread while they wait are reported to `ThreadWaits`.

Concurrency is judged by a rendezvous, not by a stopwatch: with
`hold_until_in_flight(5)` each call waits until five calls are in flight at
once. A view that runs its calls concurrently fills the rendezvous at once; a
view that waits for each call before starting the next never does, and after a
short timeout the rendezvous gives up (once, for every later call too) and the
test reports the peak it saw. Tests run on a fake loop clock (looptime), so an
unfilled rendezvous costs no real time unless a worker thread is busy.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import respx

from course.testing.locate import Location
from course.testing.threads import (
    ThreadWaits,
    adapts_django_handler,
    running_loop_here,
    threads_held_waiting_for_the_loop,
)

DEFAULT_LATENCY = 0.05
RENDEZVOUS_TIMEOUT = 0.5
SYNC_WAIT = 0.05  # real seconds a sync client's call takes, whatever its latency


def _through_async_client() -> bool:
    """True when respx resolves this call for an `httpx.AsyncClient`.

    respx calls side effects from its sync resolver for `httpx.Client` and from
    `aresolve` for `httpx.AsyncClient`; the stack is the only place that says
    which, so we look a few frames up.
    """
    frame = sys._getframe(2)
    for _ in range(8):
        if frame is None:
            break
        if frame.f_code.co_name == "aresolve":
            return True
        frame = frame.f_back
    return False


@dataclass(repr=False)
class Endpoint:
    """One mocked URL, and the record of the calls it received."""

    upstream: FakeUpstream
    method: str
    url: str
    json: Any  # the payload, or a function of the request that returns it
    statuses: tuple[int, ...]  # the status of each call in turn; the last one repeats
    latency: float | Callable[[httpx.Request], float] | None
    error: type[httpx.TransportError] | None = None
    prefix: bool = False
    calls: int = 0
    call_times: list[float] = field(default_factory=list)  # loop time of each async call
    spans: list[tuple[float, float]] = field(default_factory=list)  # (start, end) of each answer
    async_calls: int = 0
    sync_calls: int = 0
    sync_calls_on_event_loop: int = 0
    cancelled: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0

    def __repr__(self) -> str:  # short: pytest shows it in assertion messages
        return f"<endpoint {self.method} {self.url}>"

    def serves(self, method: str, url: str) -> bool:
        matches = url.startswith(self.url) if self.prefix else url == self.url
        return matches and method.upper() == self.method

    def __call__(self, request: httpx.Request) -> Any:
        """respx's side effect: answer an httpx request, sync or async."""
        if _through_async_client():
            return self.answer_async(request)
        return self.answer_sync(request)

    def _next_status(self) -> int:
        status = self.statuses[min(self.calls, len(self.statuses) - 1)]
        self.calls += 1
        return status

    async def answer_async(self, request: httpx.Request) -> httpx.Response:
        """Answer a call awaited on an event loop (httpx.AsyncClient, aiohttp)."""
        status = self._next_status()
        self.async_calls += 1
        self.call_times.append(asyncio.get_running_loop().time())
        if threading.current_thread() is not threading.main_thread():
            # A loop of the learner's own, in a worker thread (asyncio.run or
            # async_to_sync there): that thread is held for the whole call.
            self.upstream.waits.record(
                "the view waited for the API on an event loop of its own, in a worker thread",
                "`await` the call in an `async def` view, on the server's loop",
            )
            return self._response(request, status)
        self.upstream._report_held_threads()
        where = self.upstream.waits.code.in_stack(sys._getframe(), outermost=True)
        self.upstream.called_at.append((where, id(asyncio.current_task())))
        self.upstream._enter(self)
        try:
            await self.upstream._meet_async()
            # Like a real connection, honour the client's read timeout: respx
            # replaces the transport that would otherwise enforce it.
            latency = self.latency(request) if callable(self.latency) else self.latency
            read_timeout = request.extensions.get("timeout", {}).get("read")
            if read_timeout is not None and (latency is None or latency > read_timeout):
                await asyncio.sleep(read_timeout)
                raise httpx.ReadTimeout(
                    f"no answer from {self.url} in {read_timeout} s", request=request
                )
            if latency is None:
                await asyncio.Future()  # an upstream that never answers
            started = asyncio.get_running_loop().time()
            await asyncio.sleep(latency)
            self.spans.append((started, asyncio.get_running_loop().time()))
            return self._response(request, status)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.upstream._leave(self)

    def answer_sync(self, request: httpx.Request) -> httpx.Response:
        """Answer a call from a sync client (httpx.Client, requests)."""
        status = self._next_status()
        self.sync_calls += 1
        if running_loop_here():
            # A sync client on the loop thread: answer at once, the blocking
            # guard or the test reports it. Waiting here would stall the loop.
            self.sync_calls_on_event_loop += 1
            return self._response(request, status)
        self.upstream.waits.record(
            "the view waited for the API with a sync HTTP client in a worker thread",
            "an async client (`httpx.AsyncClient`) awaited in an `async def` view waits "
            "on the event loop without one",
        )
        self.upstream._enter(self)
        try:
            self.upstream._meet_sync()
            # A short real wait, on the worker thread: what a sync client does,
            # kept short because fake loop time cannot see it, and the probe
            # has already reported the held thread.
            threading.Event().wait(SYNC_WAIT)
            return self._response(request, status)
        finally:
            self.upstream._leave(self)

    def _response(self, request: httpx.Request, status: int) -> httpx.Response:
        if self.error is not None:
            raise self.error(f"cannot reach {self.url}", request=request)
        payload = self.json(request) if callable(self.json) else self.json
        return httpx.Response(status, json=payload, request=request)


@dataclass(repr=False)
class FakeUpstream:
    """The fake API an exercise's view calls. Ask the `upstream` fixture for one."""

    router: respx.MockRouter
    waits: ThreadWaits
    endpoints: list[Endpoint] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0
    # The learner's outermost line (the view's) and the task of each async call.
    called_at: list[tuple[Location | None, int]] = field(default_factory=list)
    rendezvous: int | None = None
    rendezvous_timeout: float = RENDEZVOUS_TIMEOUT
    gave_up: int = 0  # calls that waited the whole rendezvous out: one at most, it gives up once
    _rendezvous_over: bool = False
    _arrivals: asyncio.Condition | None = None
    _sync_arrivals: threading.Condition = field(default_factory=threading.Condition)
    _count_lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoint(
        self,
        url: str,
        *,
        json: Any = None,
        status: int | Sequence[int] = 200,
        latency: float | Callable[[httpx.Request], float] | None = DEFAULT_LATENCY,
        error: type[httpx.TransportError] | None = None,
        prefix: bool = False,
        method: str = "GET",
    ) -> Endpoint:
        """Serve `url` with `json` after `latency` seconds (`None`: never answer).

        `json` and `latency` may be functions of the request; `status` may be a sequence,
        one status per call, the last one repeating (`[503, 503, 200]`);
        `error` (e.g. `httpx.ConnectError`) makes every call fail to connect;
        `prefix` serves every URL that starts with `url`.
        """
        statuses = (status,) if isinstance(status, int) else tuple(status)
        endpoint = Endpoint(self, method, url, json, statuses, latency, error, prefix)
        match = {"url__startswith": url} if prefix else {"url": url}
        self.router.route(method=method, **match).mock(side_effect=endpoint)
        self.endpoints.append(endpoint)
        return endpoint

    def find(self, request: httpx.Request) -> Endpoint:
        """The endpoint serving `request`, for clients respx does not see (requests, aiohttp)."""
        for endpoint in self.endpoints:
            if endpoint.serves(request.method, str(request.url)):
                return endpoint
        raise respx.models.AllMockedAssertionError(f"RESPX: {request!r} not mocked!")

    def hold_until_in_flight(self, count: int, timeout: float = RENDEZVOUS_TIMEOUT) -> None:
        """Make every call wait until `count` calls are in flight at once."""
        self.rendezvous = count
        self.rendezvous_timeout = timeout

    @property
    def calls(self) -> int:
        return sum(endpoint.calls for endpoint in self.endpoints)

    def assert_in_flight_at_once(self, count: int, reason: str) -> None:
        """Fail unless `count` calls were in flight together; `reason` says what that means."""
        if self.calls < count:
            pytest.fail(
                f"the upstream API received {self.calls} of the {count} calls the test expected "
                "— each request must call it once",
                pytrace=False,
            )
        if self.peak_in_flight < count:
            pytest.fail(
                f"only {self.peak_in_flight} of {count} upstream calls "
                f"{'was' if self.peak_in_flight == 1 else 'were'} in flight at once — {reason}"
                f"{self._where_called()}",
                pytrace=False,
            )

    def _where_called(self) -> str:
        """The learner's lines that made the calls, and what one line awaited in turn means."""
        lines = [str(where) for where in dict.fromkeys(w for w, _ in self.called_at) if where]
        tasks = {task for _, task in self.called_at}
        if len(lines) == 1 and len(self.called_at) > 1 and len(tasks) == 1:
            return (
                f". Every call was awaited at {lines[0]}, one at a time: a coroutine does not "
                "start until it is awaited (or made a task), so coroutines made first and then "
                "awaited in turn still run one after another — pass them all to "
                "`asyncio.gather(...)`, or make each a task with `asyncio.create_task(...)` first"
            )
        return f" (the calls at {', '.join(lines)})" if lines else ""

    # Bookkeeping, called by endpoints, on the loop thread or a worker thread.

    def _enter(self, endpoint: Endpoint) -> None:
        with self._count_lock:
            self.in_flight += 1
            endpoint.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            endpoint.peak_in_flight = max(endpoint.peak_in_flight, endpoint.in_flight)
            if self.rendezvous is not None and self.in_flight >= self.rendezvous:
                self._rendezvous_over = True

    def _leave(self, endpoint: Endpoint) -> None:
        with self._count_lock:
            self.in_flight -= 1
            endpoint.in_flight -= 1

    def _report_held_threads(self) -> None:
        for frame in threads_held_waiting_for_the_loop(self.waits.code):
            if adapts_django_handler(frame):
                self.waits.record(
                    "Django ran a sync-only middleware in a worker thread, which sat waiting "
                    "there for the async view behind it",
                    "make the middleware async-capable, as Django's docs show "
                    "(`@sync_and_async_middleware`, or a class with `async_capable = True`); "
                    "Django's debug log names each middleware it adapts: "
                    '"Asynchronous handler adapted for middleware …"',
                    frame,
                )
                continue
            self.waits.record(
                "a worker thread sat waiting for the API call made for it on the loop "
                "(async_to_sync, run_coroutine_threadsafe)",
                "make the view `async def` and `await` the call directly",
                frame,
            )

    async def _meet_async(self) -> None:
        if self.rendezvous is None:
            return
        if self._arrivals is None:
            self._arrivals = asyncio.Condition()
        async with self._arrivals:
            self._arrivals.notify_all()
            try:
                async with asyncio.timeout(self.rendezvous_timeout):
                    await self._arrivals.wait_for(lambda: self._rendezvous_over)
            except TimeoutError:
                self.gave_up += 1
                self._rendezvous_over = True  # give up once, for every later call too
                self._arrivals.notify_all()

    def _meet_sync(self) -> None:
        if self.rendezvous is None:
            return
        with self._sync_arrivals:
            self._sync_arrivals.notify_all()
            if not self._sync_arrivals.wait_for(
                lambda: self._rendezvous_over, timeout=self.rendezvous_timeout
            ):
                self.gave_up += 1
                self._rendezvous_over = True
                self._sync_arrivals.notify_all()
