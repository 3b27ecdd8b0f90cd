"""Thread probes: which thread ran a piece of code, the loop's or a worker's.

Where the lesson is "run this off the event loop" (CPU-heavy work, a blocking
library), the test wraps the function doing the work and records, for every
call, whether the calling thread was running an event loop and where in the
learner's code the call came from.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from course.testing.locate import LearnerCode, Location


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
