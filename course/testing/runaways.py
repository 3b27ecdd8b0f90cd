"""Stopping what a view left running after it ignored its cancellation.

A stream that catches `asyncio.CancelledError` inside `while True` (Quart's
guide does, to clean up) is never stopped by cancelling it again: left as it
is, it would hang the end of the test, which cancels what is left, and cost
the learner this test's message. So, once the test has seen enough:

1. an exception of the course's own is thrown into each task, down through
   every coroutine and async generator it waits in; `except CancelledError`
   does not catch it, so the view unwinds as it would on any error, running
   its `finally` blocks;
2. a view that catches even that (`except BaseException`, a bare `except:`)
   has its coroutine closed, and what it waited in is kept alive, unrun, until
   the process ends: finalized mid-session, it would ignore `GeneratorExit`
   too, and that would end up as some other test's error.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
from collections.abc import Iterator
from typing import Any

TRIES = 10  # throws into a task before it is taken for one that catches everything

_kept: list[Any] = []  # what unstoppable views wait in, never finalized mid-session


class ViewStopped(BaseException):
    """Thrown into a view that ignored its cancellation; not a `CancelledError`."""


def stop_runaway_tasks() -> None:
    """Stop every task of the running loop but the current one; see the module's doc."""
    current = asyncio.current_task()
    for task in asyncio.all_tasks():
        if task is not current and not task.done():
            _stop(task.get_coro())


def _stop(coro: Any) -> None:
    for _ in range(TRIES):
        try:
            coro.throw(ViewStopped())
        except BaseException:  # it unwound (with ours, or whatever it raised instead)
            return
    _kept.extend(_awaited_chain(coro))
    with contextlib.suppress(RuntimeError):  # "coroutine ignored GeneratorExit"
        coro.close()


def _awaited_chain(awaitable: Any) -> Iterator[Any]:
    """The coroutine, and what it waits in, down to the innermost awaitable."""
    while awaitable is not None:
        yield awaitable
        awaitable = next(
            (
                inner
                for inner in (
                    getattr(awaitable, "cr_await", None),
                    getattr(awaitable, "ag_await", None),
                    getattr(awaitable, "gi_yieldfrom", None),
                )
                if inner is not None
            ),
            None,
        ) or next(  # an async generator's asend() awaitable hides its generator
            (ref for ref in gc.get_referents(awaitable) if inspect.isasyncgen(ref)), None
        )
