"""Find the learner's line in a stack, so every message can point at it.

A probe sees the whole stack: pytest, Django, httpx, the harness. The learner
only cares about their own file, so messages name the innermost frame that
lies in the exercise's folder and is not one of its tests.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType

from course.catalog import ROOT


@dataclass(frozen=True)
class Location:
    path: Path
    line: int
    function: str

    def __str__(self) -> str:
        try:
            shown = self.path.relative_to(ROOT)
        except ValueError:
            shown = self.path
        return f"{shown.as_posix()}:{self.line}"


def is_learner_file(filename: str, folder: Path) -> bool:
    """True for the exercise's own code, false for its tests and everything else."""
    path = Path(filename)
    return path.is_relative_to(folder) and not path.name.startswith(("test_", "conftest"))


def innermost(entries: Iterable[tuple[str, int, str]], folder: Path) -> Location | None:
    """The last (innermost) `(filename, line, function)` entry in the learner's files."""
    found = None
    for filename, line, function in entries:
        if is_learner_file(filename, folder):
            found = Location(Path(filename), line, function)
    return found


def in_traceback(tb: TracebackType | None, folder: Path) -> Location | None:
    return innermost(
        ((frame.f_code.co_filename, line, frame.f_code.co_name) for frame, line in traceback.walk_tb(tb)),
        folder,
    )


def in_stack(frame: FrameType | None, folder: Path) -> Location | None:
    entries = [
        (f.f_code.co_filename, line, f.f_code.co_name) for f, line in traceback.walk_stack(frame)
    ]
    return innermost(reversed(entries), folder)
