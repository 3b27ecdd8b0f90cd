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
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, SimpleNamespace

import blockbuster
import django.core.cache
import django.middleware.cache as cache_middleware
import pytest
from blockbuster import BlockBuster, BlockBusterFunction, BlockingError

from course.testing.locate import LearnerCode, Location

# `requests.Session.request`, not `send`: before sending, requests reads
# `.netrc` from disk, which would be reported as a bare `os.stat()`.
SYNC_CLIENT_CALLS = ("httpx.Client.send", "requests.Session.request")
# Django refuses sync queries on the loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set;
# with it set, a query on the loop is caught here, whatever the database driver.
DATABASE_CALLS = (
    "django.db.backends.utils.CursorWrapper.execute",
    "django.db.backends.utils.CursorWrapper.executemany",
)
# The sync API of the course's cache backend, watched as a whole: a miss opens no file to
# read (`open()` itself is not watched), so the call would go unseen until a write.
SYNC_CACHE_CALLS = {
    f"django.core.cache.backends.filebased.FileBasedCache.{name}": f"cache.{name}"
    for name in ("get", "set", "add", "delete", "touch", "has_key", "clear")
}
# A pool shut down with `wait=True` (leaving its `with` block) waits for its threads or
# processes to end. Watched by name: the wait on their locks can be over before it begins
# (a thread that has ended), which would make the verdict a matter of timing.
POOL_SHUTDOWNS = {
    f"concurrent.futures.{module}.{pool}.shutdown": f"{pool}.shutdown"
    for module, pool in (("thread", "ThreadPoolExecutor"), ("process", "ProcessPoolExecutor"))
}
POOL_ADVICE = (
    "leaving a `with ThreadPoolExecutor() as pool:` block (or `pool.shutdown()`) waits for "
    "the pool's threads to end, on the event loop — use `asyncio.to_thread(...)` (the "
    "loop's own pool), or make one pool for the process, at module level, and keep it open"
)
DATABASE_ADVICE = (
    "use the ORM's async methods (`aget`, `acount`, `async for`), which run the query in "
    "a worker thread; DJANGO_ALLOW_ASYNC_UNSAFE only silences Django's own check"
)
STANDARD_STREAMS = ("stdout", "stderr", "__stdout__", "__stderr__")

ADVICE = {
    "time.sleep": "use `await asyncio.sleep()`",
    "httpx.Client.send": (
        "httpx's sync API (`httpx.get`, `httpx.Client`) blocks; use `httpx.AsyncClient` "
        "and `await` its calls"
    ),
    "requests.Session.request": (
        "requests is a blocking client; use `httpx.AsyncClient` and `await` its calls"
    ),
}
CACHE_ADVICE = (
    "the cache's sync API (`cache.get`, `cache.set`…) reads and writes files here "
    "(Redis or Memcached: the network); use its async twins, `await cache.aget(...)` "
    "and `await cache.aset(...)`"
)
ADVICE |= dict.fromkeys(SYNC_CACHE_CALLS, CACHE_ADVICE) | dict.fromkeys(POOL_SHUTDOWNS, POOL_ADVICE)
SHOWN = SYNC_CACHE_CALLS | POOL_SHUTDOWNS  # the names messages give watched methods
# Libraries with async twins for their blocking calls: the advice names them (the first
# found anywhere on the stack, in this order).
TWINS = {
    "django/middleware/cache.py": (
        "`@cache_page` (Django's cache middleware) reads and writes the cache with its sync "
        "API, on the event loop, even around an `async def` view (Django 5.2 and 6.x) — "
        "cache in the view instead: `await cache.aget(...)`, and on a miss "
        "`await cache.aset(...)`"
    ),
    "django/core/cache/": CACHE_ADVICE,
}
GENERIC_ADVICE = (
    "use an async API and `await` it, or move the call off the loop with "
    "`await asyncio.to_thread(...)`"
)


@dataclass(frozen=True)
class BlockingCall:
    function: str
    location: Location | None
    given: str = ""  # the exercise's given code the view called, which blocked (`vendor.track`)
    twin: str = ""  # advice for a library with async twins, on the way to the call

    def describe(self) -> str:
        where = f" at {self.location}" if self.location else ""
        if self.given:
            return (
                f"the view called {self.given}(){where}, which blocked the event loop: it "
                f"waits inside, in {self.function}() — code you cannot make async belongs in "
                f"a worker thread: `await asyncio.to_thread({self.given}, ...)`"
            )
        if self.function in DATABASE_CALLS or self.function.startswith("sqlite3."):
            what, advice = "a database query", DATABASE_ADVICE
        else:
            what = SHOWN.get(self.function, self.function)
            what = what.removeprefix("builtins.").removeprefix("_io.") + "()"
            advice = self.twin or ADVICE.get(self.function, GENERIC_ADVICE)
        return f"the view blocked the event loop with {what}{where} — {advice}"


def _without_waiting(pool: object, wait: bool = True, **kwargs: object) -> bool:
    """`shutdown(wait=False)` returns at once: it may be called on the loop."""
    return not wait


def _to_a_standard_stream(stream: object, *args: object) -> bool:
    return any(stream is getattr(sys, name, None) for name in STANDARD_STREAMS)


def _twin_advice(frame: FrameType | None) -> str:
    """The advice of the first library with async twins found on the stack, if any."""
    files = [outer.f_code.co_filename for outer, _ in traceback.walk_stack(frame)]
    for fragment, advice in TWINS.items():
        if any(fragment in name for name in files):
            return advice
    return ""


def _decorated_view(code: LearnerCode, frame: FrameType | None) -> Location | None:
    """The learner's view that a Django decorator (`@cache_page`) wraps, at its first
    decorator's line: the decorator blocked on its behalf before or after calling it."""
    for outer, _ in traceback.walk_stack(frame):
        view = getattr(outer.f_locals.get("view_func"), "__code__", None)
        if view is not None and code.owns(view.co_filename):
            return Location(Path(view.co_filename), view.co_firstlineno, view.co_name)
    return None


class BlockingGuard:
    """Raises and records `BlockingError` for blocking calls made by the exercise's code."""

    def __init__(self, code: LearnerCode) -> None:
        self.code = code
        folder = code.folder
        self.calls: list[BlockingCall] = []
        # blockbuster matches frames by path prefix: scan the exercise folder,
        # but not its tests, which sit on the stack of every request they make; and
        # Django's cache backends and cache middleware, whose sync API a decorator the
        # learner put on the view (`@cache_page`) calls on the loop, with no learner frame
        # on the stack.
        scanned = [SimpleNamespace(__path__=[str(folder)]), django.core.cache, cache_middleware]
        excluded = [SimpleNamespace(__path__=[str(folder / "test_")])]
        self._buster = BlockBuster(scanned, excluded_modules=excluded)
        for name in (*SYNC_CLIENT_CALLS, *DATABASE_CALLS, *SYNC_CACHE_CALLS, *POOL_SHUTDOWNS):
            # blockbuster's own predicate (never allowed) unless a pool may shut down at once
            allowed = {"can_block_predicate": _without_waiting} if name in POOL_SHUTDOWNS else {}
            with contextlib.suppress(ImportError):  # requests is optional
                self._buster.functions[name] = BlockBusterFunction(
                    None, name, scanned_modules=scanned, excluded_modules=excluded, **allowed
                )
        for function in self._buster.functions.values():
            # pytest-timeout's signal handler runs inside the learner's frame
            # and writes a stack dump: that is not the learner blocking.
            function.can_block_in("pytest_timeout.py", {"timeout_sigalrm", "dump_stacks"})
            # Logging and print() write a line to a stream: servers do it on the
            # loop all the time, and a view that logs is not a blocking view.
            function.can_block_in("logging/__init__.py", {"emit", "flush", "handle"})
            # A process pool starts its worker processes on first use: a
            # one-time cost of handing CPU work to processes, not a wait.
            function.can_block_in("concurrent/futures/process.py", {"submit"})
            # Django builds the cache backend on first use in each request; the file
            # backend makes its folder's path absolute: string work, not a wait.
            function.can_block_in("django/core/cache/backends/filebased.py", {"__init__"})
        write = self._buster.functions["io.TextIOWrapper.write"]
        to_a_file = write.can_block_predicate
        write.can_block_predicate = lambda *a, **k: to_a_file(*a, **k) or _to_a_standard_stream(*a)

    def __enter__(self) -> BlockingGuard:
        self._rebound = pytest.MonkeyPatch()
        guard = self

        class RecordedBlockingError(BlockingError):
            def __init__(self, func: str) -> None:
                super().__init__(func)
                frame = sys._getframe(1)
                location = guard.code.in_stack(frame) or _decorated_view(guard.code, frame)
                given = guard.code.given_call(frame)
                guard.calls.append(BlockingCall(func, location, given, _twin_advice(frame)))

        self._original_error = blockbuster.blockbuster.BlockingError
        blockbuster.blockbuster.BlockingError = RecordedBlockingError
        self._buster.activate()
        # `from time import sleep` bound the unwatched function in the learner's module.
        watched = {
            id(function.original_func): getattr(function.module, function.func_name)
            for function in self._buster.functions.values()
            if function.activated
        }
        self.code.rebind(watched, self._rebound)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._rebound.undo()
        self._buster.deactivate()
        blockbuster.blockbuster.BlockingError = self._original_error

    def take(self) -> list[BlockingCall]:
        """The blocking calls recorded since the last `take()`."""
        calls, self.calls = self.calls, []
        return calls
