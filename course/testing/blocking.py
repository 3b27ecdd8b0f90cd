"""Catch blocking calls on the event loop thread, as they happen.

blockbuster patches the usual blocking functions (`time.sleep`, sockets, file
I/O, sqlite, contended locks…) so that calling one on a thread that runs an
event loop raises `BlockingError`, but only when the exercise's own code is on
the stack. We add the sync HTTP clients to its table: a sync client talking to
a mocked upstream makes no socket call, so nothing else would see it. The same
calls from a worker thread (a sync view) have no running loop and stay legal.

Every blocking call is also recorded, so a view that swallows the error with a
broad `except` is still caught.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from types import SimpleNamespace

import blockbuster
from blockbuster import BlockBuster, BlockBusterFunction, BlockingError

from course.testing.locate import LearnerCode, Location

SYNC_CLIENT_CALLS = ("httpx.Client.send", "requests.Session.send")

ADVICE = {
    "time.sleep": "use `await asyncio.sleep()`",
    "httpx.Client.send": (
        "it used a blocking httpx.Client; use `httpx.AsyncClient` and `await` its calls"
    ),
    "requests.Session.send": "requests is blocking; use `httpx.AsyncClient` and `await` it",
}
GENERIC_ADVICE = (
    "use an async API and `await` it, or move the call off the loop with "
    "`await asyncio.to_thread(...)`"
)


@dataclass(frozen=True)
class BlockingCall:
    function: str
    location: Location | None

    def describe(self) -> str:
        name = self.function.removeprefix("builtins.").removeprefix("_io.")
        where = f" at {self.location}" if self.location else ""
        advice = ADVICE.get(self.function, GENERIC_ADVICE)
        return f"the view blocked the event loop with {name}(){where} — {advice}"


class BlockingGuard:
    """Raises and records `BlockingError` for blocking calls made by the exercise's code."""

    def __init__(self, code: LearnerCode) -> None:
        self.code = code
        folder = code.folder
        self.calls: list[BlockingCall] = []
        # blockbuster matches frames by path prefix: scan the exercise folder,
        # but not its tests, which sit on the stack of every request they make.
        scanned = [SimpleNamespace(__path__=[str(folder)])]
        excluded = [SimpleNamespace(__path__=[str(folder / "test_")])]
        self._buster = BlockBuster(scanned, excluded_modules=excluded)
        for name in SYNC_CLIENT_CALLS:
            with contextlib.suppress(ImportError):  # requests is optional
                self._buster.functions[name] = BlockBusterFunction(
                    None, name, scanned_modules=scanned, excluded_modules=excluded
                )
        for function in self._buster.functions.values():
            # pytest-timeout's signal handler runs inside the learner's frame
            # and writes a stack dump: that is not the learner blocking.
            function.can_block_in("pytest_timeout.py", {"timeout_sigalrm", "dump_stacks"})

    def __enter__(self) -> BlockingGuard:
        guard = self

        class RecordedBlockingError(BlockingError):
            def __init__(self, func: str) -> None:
                super().__init__(func)
                guard.calls.append(BlockingCall(func, guard.code.in_stack(sys._getframe(1))))

        self._original_error = blockbuster.blockbuster.BlockingError
        blockbuster.blockbuster.BlockingError = RecordedBlockingError
        self._buster.activate()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._buster.deactivate()
        blockbuster.blockbuster.BlockingError = self._original_error

    def take(self) -> list[BlockingCall]:
        """The blocking calls recorded since the last `take()`."""
        calls, self.calls = self.calls, []
        return calls
