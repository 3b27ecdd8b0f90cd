"""Count the database queries a request runs, and make one fail, whichever thread runs them.

The async ORM runs each query in a worker thread with a connection of its
own, so Django's per-connection tools (`CaptureQueriesContext`,
`execute_wrapper`) on the test's connection see none of them. Watching at
Django's cursor, for the whole process, sees them all, on every database.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from django.db import IntegrityError
from django.db.backends.utils import CursorWrapper

T = TypeVar("T")


class Queries:
    """Counts every query Django sends to the database during the test; refuses one on demand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.total = 0
        self.statements: list[str] = []  # the SQL of every query, placeholders unfilled
        self.last: list[str] = []  # the statements of the last request `of()` awaited
        self._lock = threading.Lock()
        self._refused: tuple[str, int] | None = None
        self._inserts = 0
        for name in ("execute", "executemany"):
            monkeypatch.setattr(CursorWrapper, name, self._counted(getattr(CursorWrapper, name)))

    def _counted(self, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def counted(cursor: CursorWrapper, sql: str, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.total += 1
                self.statements.append(sql)
                refused = self._refuses(sql)
            if refused:
                raise IntegrityError(f"the test's database refused this insert into {refused}")
            return original(cursor, sql, *args, **kwargs)

        return counted

    async def of(self, work: Awaitable[T]) -> tuple[T, int]:
        """Await `work` (a request); return its result and the queries it ran (their SQL
        in `last`)."""
        before = self.total
        result = await work
        self.last = self.statements[before:]
        return result, self.total - before

    def refuse(self, table: str, nth: int) -> None:
        """Make the `nth` INSERT into `table` fail, as a database can in the middle of
        a series of writes (a constraint, a deadlock, a lost connection)."""
        self._refused, self._inserts = (table, nth), 0

    def _refuses(self, sql: str) -> str:
        if self._refused is None:
            return ""
        table, nth = self._refused
        if sql.lstrip().upper().startswith("INSERT") and f'"{table}"' in sql:
            self._inserts += 1
            if self._inserts == nth:
                return table
        return ""
