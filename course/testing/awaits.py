"""Report coroutines that were created but never awaited.

Calling an `async def` function without `await` hands back a coroutine object
and runs nothing. Python only notices when that object is garbage-collected,
with a `RuntimeWarning` that pytest shows far from the cause, if at all. This
probe records each one (CPython reports them through
`warnings._warn_unawaited_coroutine`) with the line that created it.
"""

from __future__ import annotations

import gc
import sys
import warnings
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from course.testing.locate import LearnerCode, Location

ORIGIN_DEPTH = 32


@dataclass(frozen=True)
class UnawaitedCoroutine:
    function: str
    location: Location | None

    def describe(self) -> str:
        where = f" at {self.location}" if self.location else ""
        return (
            f"{self.function}() was called without await{where} — the coroutine never ran; "
            "put `await` before the call"
        )


class UnawaitedProbe:
    """Records never-awaited coroutines created by the learner's code."""

    def __init__(self, code: LearnerCode) -> None:
        self.code = code
        self.found: list[UnawaitedCoroutine] = []

    def __enter__(self) -> UnawaitedProbe:
        # What is alive now (Django, the libraries, the harness) is not a coroutine
        # this test will create: freezing it lets each collection look only at the
        # test's own objects, a few milliseconds instead of tens each time.
        gc.freeze()
        self._original_hook = warnings._warn_unawaited_coroutine  # type: ignore[attr-defined]
        self._original_depth = sys.get_coroutine_origin_tracking_depth()
        warnings._warn_unawaited_coroutine = self._record  # type: ignore[attr-defined]
        sys.set_coroutine_origin_tracking_depth(ORIGIN_DEPTH)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.collect()
        gc.unfreeze()
        sys.set_coroutine_origin_tracking_depth(self._original_depth)
        warnings._warn_unawaited_coroutine = self._original_hook  # type: ignore[attr-defined]

    def _record(self, coro: Coroutine[Any, Any, Any]) -> None:
        origin = getattr(coro, "cr_origin", None) or ()
        location = self.code.innermost(reversed(origin))
        if location is None:
            self._original_hook(coro)  # not the learner's: let Python warn as usual
            return
        name = getattr(coro, "__qualname__", repr(coro))
        self.found.append(UnawaitedCoroutine(name, location))

    def take(self) -> list[UnawaitedCoroutine]:
        """Collect garbage, then return the coroutines found since the last `take()`."""
        gc.collect()
        found, self.found = self.found, []
        return found
