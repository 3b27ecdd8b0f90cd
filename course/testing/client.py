"""The client exercise tests use to call the learner's view.

Requests go through Django's `ASGIHandler`, the application uvicorn runs
(`course.asgi`), by speaking ASGI to it in-process: each request gets its own
`ThreadSensitiveContext`, so a sync view gets a thread of its own, exactly as
under a server. Django's test `AsyncClient` skips that context (sync code then
shares one thread), which would make the tests judge an artefact of the test
client instead of what production does.

On top of that, one job: when a request goes wrong for a reason the course
teaches, fail the test with that reason in plain words and the learner's line,
instead of a traceback through Django and the harness.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.test import AsyncClient

from course.handlers import exercise_handler
from course.testing.awaits import UnawaitedProbe
from course.testing.blocking import BlockingGuard
from course.testing.explain import explain, explained_first
from course.testing.middleware import why_django_refused
from course.testing.runaways import stop_runaway_tasks
from course.testing.threads import ThreadWaits

DISCONNECT_GRACE = 5.0  # loop seconds a view gets to stop after its visitor left

_JOIN_WATCHER = ThreadPoolExecutor(thread_name_prefix="awaitlings-handler-watch")

# The errors raised while this request was handled; sync_to_async carries
# context variables into Django's worker threads, where they are reported.
_request_errors: contextvars.ContextVar[list[BaseException]] = contextvars.ContextVar(
    "awaitlings_request_errors"
)


def _record_request_error(sender: Any, **kwargs: Any) -> None:
    errors = _request_errors.get(None)
    error = sys.exc_info()[1]
    if errors is not None and error is not None:
        errors.append(error)


got_request_exception.connect(_record_request_error, dispatch_uid="awaitlings-request-errors")


def is_the_last_body(message: dict[str, Any]) -> bool:
    """True for the ASGI message that ends a response."""
    return message["type"] == "http.response.body" and not message.get("more_body")


class CourseASGIHandler(ASGIHandler):
    """Django's `ASGIHandler`, with two changes that serve the tests only.

    `sys.exit()` in a view is reported like any other error of the view:
    under a server it would end the process, here the whole test session.

    After the answer, asgiref joins the request's worker thread from a thread
    of its own; fake loop time (looptime) cannot see that wait and would
    fast-forward the clock past it, finishing tasks the view left running
    before the test looks. A watcher in an executor, which looptime does see,
    holds the clock until the handler is done.
    """

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        handled = threading.Event()
        watcher: asyncio.Future | None = None

        async def send_and_watch(message: dict[str, Any]) -> None:
            nonlocal watcher
            await send(message)
            if is_the_last_body(message) and watcher is None:
                loop = asyncio.get_running_loop()
                watcher = loop.run_in_executor(_JOIN_WATCHER, handled.wait)

        try:
            await super().__call__(scope, receive, send_and_watch)
        finally:
            handled.set()
            if watcher is not None:
                await watcher

    async def run_get_response(self, request: HttpRequest) -> HttpResponse:
        try:
            return await super().run_get_response(request)
        except SystemExit as error:
            _request_errors.get([]).append(error)
            return HttpResponseServerError()


@dataclass
class Response:
    """What the server sent back: status, headers and body."""

    status_code: int
    headers: dict[str, str]
    content: bytes
    # Each piece of the body as it was sent, with the loop time it was sent at: a streamed
    # response's first piece leaves before its last (exercise 21).
    pieces: list[tuple[float, bytes]] = field(default_factory=list)

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON fails the test, saying what it is."""
        try:
            return json.loads(self.content)
        except ValueError:
            kind = self.headers.get("content-type", "no content type")
            pytest.fail(
                f"the view answered {self.status_code} with {kind}, not JSON "
                f"({self.content[:60]!r}) — answer with a `JsonResponse(...)`",
                pytrace=False,
            )


@dataclass
class Exchange:
    """One request on its way through the ASGI application."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)  # the loop time of each message
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    gone: asyncio.Event = field(default_factory=asyncio.Event)  # the visitor left

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self.sent_at.append(asyncio.get_running_loop().time())
        if is_the_last_body(message):
            self.answered.set()

    def response(self) -> Response | None:
        start = next((m for m in self.messages if m["type"] == "http.response.start"), None)
        if start is None:
            return None
        headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
        pieces = [
            (when, message.get("body", b""))
            for when, message in zip(self.sent_at, self.messages, strict=True)
            if message["type"] == "http.response.body" and message.get("body")
        ]
        body = b"".join(piece for _, piece in pieces)
        return Response(start["status"], headers, body, pieces)


class ExerciseClient:
    """Calls the exercise's views; ask the `client` fixture for one."""

    def __init__(
        self,
        guard: BlockingGuard,
        unawaited: UnawaitedProbe,
        waits: ThreadWaits,
        middleware: tuple[str, ...] = (),
    ) -> None:
        self.guard = guard
        self.unawaited = unawaited
        self.waits = waits
        self.middleware = middleware
        self._application: CourseASGIHandler | None = None
        self.cookies: dict[str, str] = {}  # sent with every request, as a browser would

    def application(self) -> CourseASGIHandler:
        """Django's handler, with the exercise's own middleware after the project's, as the
        course serves it; made at the first request, so that a middleware Django refuses
        fails the test that asked, in plain words."""
        if self._application is None:
            try:
                self._application = exercise_handler(CourseASGIHandler, self.middleware)
            except Exception as error:
                refused = why_django_refused(error)
            else:
                return self._application
            pytest.fail(refused, pytrace=False)
        return self._application

    async def log_in(self, user: Any) -> None:
        """Log `user` in, as a login form would: its session cookie goes with later requests."""
        browser = AsyncClient()
        await browser.aforce_login(user)
        self.cookies.update({name: morsel.value for name, morsel in browser.cookies.items()})

    async def get(
        self,
        path: str,
        *,
        within: float | None = None,
        if_it_raises: str | None = None,
        **kwargs: Any,
    ) -> Response:
        """GET `path`; with `within`, fail plainly if the view has not answered by then.

        `within` is the test's own deadline, in loop time (fake in tests): a
        view that would wait forever fails at once with a message, instead of
        running into pytest-timeout. Like a visitor, the test then leaves.
        `if_it_raises` is the advice for a view that raises an error the
        lesson has no words for: the test fails with it, the error and the line.
        """
        return await self.request("GET", path, within=within, if_it_raises=if_it_raises, **kwargs)

    async def post(self, path: str, data: Any = None, **kwargs: Any) -> Response:
        body = json.dumps(data).encode() if data is not None else b""
        return await self.request("POST", path, body=body, **kwargs)

    async def concurrently(self, count: int, path: str, **kwargs: Any) -> list[Response]:
        """Send `count` GET requests to `path` at once and return their responses."""
        return list(await asyncio.gather(*(self.get(path, **kwargs) for _ in range(count))))

    async def leave_after(self, seconds: float, path: str) -> Response | None:
        """GET `path` and disconnect after `seconds` (loop time), as a visitor who gives up.

        Returns what the view sent before the visitor left (None when nothing).
        Fails plainly if the view goes on working, or answers, after that:
        Django cancels a request whose visitor left, and the view must let the
        cancellation stop it.
        """
        exchange = Exchange()
        errors: list[BaseException] = []
        call = asyncio.create_task(self._serve(exchange, errors, "GET", path))
        if not await self._answered(exchange, call, seconds):
            exchange.gone.set()
            answered_before = len(exchange.messages)
            await self._wait_for_the_view_to_stop(call, seconds)
            if len(exchange.messages) > answered_before:
                self._fail_for_lesson_mistakes()
                raised = "".join(f" ({self._raised(error)})" for error in errors[:1])
                # A stream that swallowed its cancellation ends as if it had run out of events.
                went_on = "the stream ended as if done" if answered_before else "the view answered"
                pytest.fail(
                    f"the visitor left after {seconds:g} s, but {went_on} anyway{raised} "
                    "— it caught the cancellation (asyncio.CancelledError, a bare `except:` or "
                    "`except BaseException`) instead of letting it stop the view; let it propagate",
                    pytrace=False,
                )
        await call
        self._fail_for(errors)
        return exchange.response()

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        content_type: str = "application/json",
        within: float | None = None,
        if_it_raises: str | None = None,
    ) -> Response:
        exchange = Exchange()
        errors: list[BaseException] = []
        call = asyncio.create_task(self._serve(exchange, errors, method, path, body, content_type))
        if not await self._answered(exchange, call, within):
            exchange.gone.set()  # the test gives up, as a visitor would
            await self._wait_for_the_view_to_stop(call, within or 0)
            self._fail_for(errors, if_it_raises)
            pytest.fail(
                f"the view had not answered after {within:g} s — something it awaits takes that "
                "long or never finishes; give the wait a deadline that fits",
                pytrace=False,
            )
        await call
        self._fail_for(errors, if_it_raises)
        response = exchange.response()
        assert response is not None, "the application answered nothing"
        return response

    @staticmethod
    async def _answered(exchange: Exchange, call: asyncio.Task, within: float | None) -> bool:
        """Wait until the view answered or the application ended; False if `within` ran out.

        The answer is what `within` limits: what Django does after it (closing
        the response, joining the request's thread) is not the view's time.
        """
        answered = asyncio.ensure_future(exchange.answered.wait())
        try:
            done, _ = await asyncio.wait(
                {call, answered}, timeout=within, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            answered.cancel()
        return bool(done)

    async def _serve(
        self,
        exchange: Exchange,
        errors: list[BaseException],
        method: str,
        path: str,
        body: bytes = b"",
        content_type: str = "application/json",
    ) -> None:
        _request_errors.set(errors)
        self.waits.loop = asyncio.get_running_loop()
        url = urlsplit(path)
        headers = [(b"host", b"testserver")]
        if self.cookies:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            headers.append((b"cookie", cookie.encode()))
        if body:
            headers += [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": url.path,
            "raw_path": url.path.encode(),
            "query_string": url.query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        request_sent = False

        async def receive() -> dict[str, Any]:
            nonlocal request_sent
            if not request_sent:
                request_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            answered = asyncio.ensure_future(exchange.answered.wait())
            gone = asyncio.ensure_future(exchange.gone.wait())
            try:
                await asyncio.wait({answered, gone}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                answered.cancel()
                gone.cancel()
            return {"type": "http.disconnect"}

        try:
            await self.application()(scope, receive, exchange.send)
        except (Exception, SystemExit) as error:  # SystemExit would end the whole session
            errors.append(error)

    async def _wait_for_the_view_to_stop(self, call: asyncio.Task, waited: float) -> None:
        """Give the view DISCONNECT_GRACE of loop time (and at least a real second) to stop.

        In short steps: Django joins the request's worker thread from a thread
        of its own, a wait fake loop time cannot see, and one long timeout
        would be fast-forwarded past it.
        """
        loop = asyncio.get_running_loop()
        left_at, real_start = loop.time(), time.monotonic()
        while not call.done():
            if loop.time() - left_at > DISCONNECT_GRACE and time.monotonic() - real_start > 1:
                stop_runaway_tasks()
                self._fail_for([])
                pytest.fail(
                    f"the visitor left after {waited:g} s, but the view went on for "
                    f"{DISCONNECT_GRACE:g} s more — when a request is cancelled, let "
                    "asyncio.CancelledError propagate (re-raise it if you catch it)",
                    pytrace=False,
                )
            await asyncio.wait({call}, timeout=0.05)

    def _fail_for(self, errors: list[BaseException], if_it_raises: str | None = None) -> None:
        """Fail on the lesson's mistakes first, then on the view's error, in plain words."""
        reasons = [explain(error, self.guard.code) for error in errors]
        for error, reason in zip(errors, reasons, strict=True):
            unawaited = getattr(error, "obj", None)
            if reason and inspect.iscoroutine(unawaited):
                unawaited.close()  # explained here: not again, later, by the probe
            # The traceback keeps the view's locals (and any never-awaited
            # coroutine in them) alive; clear it so the probe can see them.
            traceback.clear_frames(error.__traceback__)
        for error, reason in zip(errors, reasons, strict=True):
            if reason and explained_first(error):
                pytest.fail(reason, pytrace=False)
        self._fail_for_lesson_mistakes()
        for error, reason in zip(errors, reasons, strict=True):
            if reason:
                pytest.fail(reason, pytrace=False)
            if if_it_raises:
                pytest.fail(f"{if_it_raises} ({self._raised(error)})", pytrace=False)
            if location := self.guard.code.in_traceback(error.__traceback__):
                error.add_note(f"(raised by the view at {location})")  # shown with the error
            raise error

    def _raised(self, error: BaseException) -> str:
        """'the view raised KeyError: 'data' at views.py:21', on one line."""
        location = self.guard.code.in_traceback(error.__traceback__)
        where = f" at {location}" if location else ""
        first_line = next(iter(str(error).splitlines()), "")
        what = f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
        return f"the view raised {what}{where}"

    def _fail_for_lesson_mistakes(self) -> None:
        """Fail on a blocking call, a missing await or a wait in a thread, even if hidden."""
        blocking = self.guard.take()
        if blocking:
            pytest.fail(blocking[0].describe(), pytrace=False)
        unawaited = self.unawaited.take()
        if unawaited:
            pytest.fail(unawaited[0].describe(), pytrace=False)
        waits = self.waits.take()
        if waits:
            pytest.fail(waits[0].describe(), pytrace=False)
