"""Count the database queries a request runs, and make rows fail, whichever thread runs them.

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
from django.db import DatabaseError, connection
from django.db.backends.utils import CursorWrapper

from course.testing.refusal import REFUSED, not_refusing, refusing

T = TypeVar("T")


class Queries:
    """Counts every query Django sends to the database during the test; refuses rows on demand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.total = 0
        self.statements: list[str] = []  # the SQL of every query, placeholders unfilled
        self.last: list[str] = []  # the statements of the last request `of()` awaited
        self.refused = 0  # statements the database refused (`refuse`)
        self._lock = threading.Lock()
        self._refusing: str = ""  # the table whose rows are refused
        for name in ("execute", "executemany"):
            monkeypatch.setattr(CursorWrapper, name, self._counted(getattr(CursorWrapper, name)))

    def _counted(self, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def counted(cursor: CursorWrapper, sql: str, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.total += 1
                self.statements.append(sql)
            try:
                return original(cursor, sql, *args, **kwargs)
            except DatabaseError as error:
                if REFUSED in str(error):
                    with self._lock:
                        self.refused += 1
                raise

        return counted

    async def of(self, work: Awaitable[T]) -> tuple[T, int]:
        """Await `work` (a request); return its result and the queries it ran (their SQL
        in `last`)."""
        before = self.total
        result = await work
        self.last = self.statements[before:]
        return result, self.total - before

    def refuse(self, table: str, condition: str) -> None:
        """Make the database refuse each new row of `table` for which `condition` (SQL on
        `NEW`, e.g. `NEW.product_id = 3`) holds, as a database can refuse one row among
        several (a constraint, a deadlock, a full disk), however the view sends the rows;
        `refused` counts the refusals. Sync: call it from a fixture."""
        with connection.cursor() as cursor:
            for statement in refusing(connection.vendor, table, condition):
                cursor.execute(statement)
        self._refusing = table

    def close(self) -> None:
        """Take a refusal away: the trigger would outlive the test, in the schema."""
        if self._refusing:
            with connection.cursor() as cursor:
                for statement in not_refusing(connection.vendor, self._refusing):
                    cursor.execute(statement)
            self._refusing = ""
