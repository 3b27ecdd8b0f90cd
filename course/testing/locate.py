"""Find the learner's line in a stack, so every message can point at it.

A probe sees the whole stack: pytest, Django, httpx, the harness, the
exercise's given helpers. The learner only cares about the files they edit, so
messages name the innermost frame in one of those (the `files` of the
exercise's `exercise.toml`).
"""

from __future__ import annotations

import functools
import itertools
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import pytest

from course.catalog import ROOT


@dataclass(frozen=True)
class Location:
    path: Path
    line: int
    function: str

    def __str__(self) -> str:
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown.as_posix()}:{self.line}"


@functools.cache
def path_of(filename: str) -> Path:
    """`Path(filename)`, made once per name: `rebind` asks it of every module's file, a
    thousand and more, several times a test (35 ms a time on this 2-core machine)."""
    return Path(filename)


@dataclass(frozen=True)
class LearnerCode:
    """An exercise's folder and the files in it that the learner edits."""

    folder: Path
    files: frozenset[Path]

    def owns(self, filename: str) -> bool:
        return path_of(filename) in self.files

    def rebind(self, replacements: dict[int, Any], monkeypatch: pytest.MonkeyPatch) -> None:
        """Replace functions where the learner's modules bound them by name too.

        `from time import sleep` keeps the function itself: patching `time`
        does not reach it. `replacements` maps the `id()` of each function to
        replace to its replacement.
        """
        for module in list(sys.modules.values()):
            filename = getattr(module, "__file__", None)
            if not (filename and self.owns(filename)):
                continue
            for name, value in list(vars(module).items()):
                if id(value) in replacements:
                    monkeypatch.setattr(module, name, replacements[id(value)])

    def innermost(self, entries: Iterable[tuple[str, int, str]]) -> Location | None:
        """The last (innermost) of `(filename, line, function)` entries in a learner's file."""
        found = None
        for filename, line, function in entries:
            if self.owns(filename):
                found = Location(Path(filename), line, function)
        return found

    def in_traceback(self, tb: TracebackType | None) -> Location | None:
        return self.innermost(
            (frame.f_code.co_filename, line, frame.f_code.co_name)
            for frame, line in traceback.walk_tb(tb)
        )

    def in_stack(self, frame: FrameType | None, outermost: bool = False) -> Location | None:
        """The learner's innermost frame on the stack (or outermost: the view's own line
        where helpers of the learner's sit in between)."""
        entries = [
            (f.f_code.co_filename, line, f.f_code.co_name)
            for f, line in traceback.walk_stack(frame)
        ]
        return self.innermost(entries if outermost else reversed(entries))

    def given_call(self, frame: FrameType | None) -> str:
        """`vendor.track`: the exercise's given code (not the learner's, not a test)
        that the learner's innermost frame called, on the way to `frame`; else ""."""
        outward = [f for f, _ in traceback.walk_stack(frame)]
        for inner, outer in itertools.pairwise(outward):
            path = Path(inner.f_code.co_filename)
            if self.owns(outer.f_code.co_filename) and not self.owns(str(path)):
                given = path.is_relative_to(self.folder) and not path.name.startswith("test_")
                return f"{path.stem}.{inner.f_code.co_name}" if given else ""
        return ""
