"""Thread probes: which thread ran a piece of code, and which waits held a thread.

Where the lesson is "run this off the event loop" (CPU-heavy work), the test
wraps the function doing the work and records, for every call, whether the
calling thread was running an event loop and where in the learner's code the
call came from (`ThreadProbe`). Where the lesson is "wait with `await`" (I/O,
sleeps), a wait that held a worker thread is a mistake in its own right
(`ThreadWaits`): it does not stall the loop, it costs a thread per request.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import FrameType
from typing import Any

import pytest
from asgiref.sync import AsyncToSync

from course.testing.locate import LearnerCode, Location

FUTURE_WAITS = ("concurrent/futures/_base.py",)  # where a thread waits for a future's result
AWAIT_LOOKS = 500  # times, a millisecond apart, to look for the task awaiting a thread


@dataclass(frozen=True)
class ThreadRecord:
    thread: str
    on_event_loop: bool
    location: Location | None


def running_loop_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class ThreadProbe:
    """Wraps `owner.name` for the test and records the thread of every call."""

    def __init__(
        self, owner: Any, name: str, code: LearnerCode, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.label = f"{getattr(owner, '__name__', owner)}.{name}"
        self.records: list[ThreadRecord] = []
        original: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(original)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.records.append(
                ThreadRecord(
                    threading.current_thread().name,
                    running_loop_here(),
                    code.in_stack(sys._getframe(1)),
                )
            )
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, recorded)
        code.rebind({id(original): recorded}, monkeypatch)  # `from hashlib import pbkdf2_hmac`

        # Work handed to a process pool runs in another process, where this
        # probe cannot follow it: record the hand-over, which is off the loop.
        submit = ProcessPoolExecutor.submit

        @functools.wraps(submit)
        def submitted(executor: ProcessPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            self.records.append(
                ThreadRecord("a worker process", False, code.in_stack(sys._getframe(1)))
            )
            return submit(executor, fn, *args, **kwargs)

        monkeypatch.setattr(ProcessPoolExecutor, "submit", submitted)

    def assert_called(self) -> None:
        if not self.records:
            pytest.fail(
                f"{self.label}() was never called — the view skipped the work", pytrace=False
            )

    def assert_off_event_loop(self, advice: str) -> None:
        """Fail, naming the learner's line, if any call ran on the event loop thread."""
        self.assert_called()
        for record in self.records:
            if record.on_event_loop:
                where = f" (called from {record.location})" if record.location else ""
                pytest.fail(
                    f"{self.label}() ran on the event loop thread{where}: while it runs, "
                    f"no other request is served — {advice}",
                    pytrace=False,
                )


@dataclass(frozen=True)
class ThreadWait:
    """A wait that held a worker thread: what waited, and where the learner asked for it."""

    what: str
    advice: str
    location: Location | None

    def describe(self) -> str:
        where = f" at {self.location}" if self.location else ""
        return (
            f"{self.what}{where}: each waiting request held a whole thread for as long as it "
            f"waited — {self.advice}"
        )


class ThreadWaits:
    """Waits (sleeps, API calls) that held a worker thread instead of awaiting on the loop.

    Under an ASGI server Django gives each request a thread of its own for
    sync code, so waiting in a thread does not make requests queue: it makes
    each waiting request cost a whole thread, where an `await` costs nothing
    while it waits. The fake upstream reports its calls here; `time.sleep`
    is watched here, in the module and wherever the learner imported it by name.
    """

    SLEEP_ADVICE = "`await asyncio.sleep()` waits on the event loop without one"

    def __init__(self, code: LearnerCode, monkeypatch: pytest.MonkeyPatch) -> None:
        self.code = code
        self.found: list[ThreadWait] = []
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, set by the client
        self._lock = threading.Lock()
        original = time.sleep

        @functools.wraps(original)
        def sleep(seconds: float) -> None:
            if not running_loop_here():
                self.record(
                    "the view waited with time.sleep() in a worker thread", self.SLEEP_ADVICE
                )
            original(seconds)

        monkeypatch.setattr(time, "sleep", sleep)
        code.rebind({id(original): sleep}, monkeypatch)

    reported = True  # False where the lesson runs blocking code in threads on purpose

    def record(self, what: str, advice: str, frame: FrameType | None = None) -> None:
        if not self.reported:
            return
        # The learner's line is on the waiting thread's stack when the learner's
        # code runs there (a sync view); when a library function was handed to
        # the thread (`to_thread(time.sleep, …)`), it is where a task awaits it.
        location = self.code.in_stack(frame or sys._getframe(2)) or self._awaiting_line()
        with self._lock:
            self.found.append(ThreadWait(what, advice, location))

    def _awaiting_line(self) -> Location | None:
        """The learner's line where a task on the server's loop awaits (the first found).

        The thread may start before the task that handed it the work has
        suspended itself (a running coroutine shows no awaits), so look again
        for a moment before giving up.
        """
        if self.loop is None or running_loop_here():
            return None
        for _ in range(AWAIT_LOOKS):
            for task in list(asyncio.all_tasks(self.loop)):
                location = self.code.innermost(_awaited_frames(task.get_coro()))
                if location is not None:
                    return location
            threading.Event().wait(0.001)
        return None

    def take(self) -> list[ThreadWait]:
        """The waits recorded since the last `take()`."""
        with self._lock:
            found, self.found = self.found, []
        return found


def _awaited_frames(awaitable: Any) -> list[tuple[str, int, str]]:
    """`(filename, line, function)` of each coroutine in a chain of awaits, outermost first."""
    entries = []
    while awaitable is not None:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
        if frame is None:
            break
        entries.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)
    return entries


def _async_to_sync_of(frame: FrameType) -> AsyncToSync | None:
    """The `async_to_sync` wrapper whose call `frame` is, if it is one."""
    held = frame.f_locals.get("self") if frame.f_code.co_name == "__call__" else None
    return held if isinstance(held, AsyncToSync) else None


def adapts_django_handler(frame: FrameType) -> bool:
    """True when the thread of `frame` waits in the `async_to_sync` Django wrapped the rest
    of its handler chain in, for a sync-only middleware ("Asynchronous handler adapted for
    middleware …" in Django's debug log)."""
    walker: FrameType | None = frame
    while walker is not None:
        if (held := _async_to_sync_of(walker)) is not None:
            module = getattr(held.awaitable, "__module__", "") or ""
            return module.startswith("django.core.handlers.")
        walker = walker.f_back
    return False


def threads_held_waiting_for_the_loop(code: LearnerCode) -> list[FrameType]:
    """The stacks of threads that sit waiting for work the event loop does for them.

    `async_to_sync`, or the learner's own `run_coroutine_threadsafe(...).result()`:
    such a thread is held for as long as the async work it waits for runs,
    exactly the cost that awaiting on the loop avoids.
    """
    held = []
    current = threading.get_ident()
    for ident, frame in sys._current_frames().items():
        if ident == current:
            continue
        waits_on_a_future = False  # below (inside) the frames seen so far
        walker: FrameType | None = frame
        while walker is not None:
            in_async_to_sync = _async_to_sync_of(walker) is not None
            if in_async_to_sync or (waits_on_a_future and code.owns(walker.f_code.co_filename)):
                held.append(frame)
                break
            waits_on_a_future |= walker.f_code.co_filename.endswith(FUTURE_WAITS)
            walker = walker.f_back
    return held
