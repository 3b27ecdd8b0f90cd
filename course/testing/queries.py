"""Count the database queries a request runs, whichever thread runs them.

The async ORM runs each query in a worker thread with a connection of its
own, so Django's per-connection tools (`CaptureQueriesContext`,
`execute_wrapper`) on the test's connection see none of them. Counting at
Django's cursor, for the whole process, sees them all, on every database.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from django.db.backends.utils import CursorWrapper

T = TypeVar("T")


class QueryCounter:
    """Counts every query Django sends to the database while the test runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.total = 0
        self._lock = threading.Lock()
        for name in ("execute", "executemany"):
            monkeypatch.setattr(CursorWrapper, name, self._counted(getattr(CursorWrapper, name)))

    def _counted(self, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def counted(cursor: CursorWrapper, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.total += 1
            return original(cursor, *args, **kwargs)

        return counted

    async def of(self, work: Awaitable[T]) -> tuple[T, int]:
        """Await `work` (a request); return its result and the queries it ran."""
        before = self.total
        result = await work
        return result, self.total - before
