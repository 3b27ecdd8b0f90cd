"""The starter code of every exercise, kept as data so `reset` can restore it.

A learner's clone cannot be trusted to hold the shipped files in git (learners
commit their work), so the editable files as shipped are recorded in
`grader/shipped.json`. Maintainers regenerate it with `python grader manifest`
after changing an exercise; `verify` fails while it is out of date.
"""

from __future__ import annotations

import json
from pathlib import Path

from course.catalog import Exercise

SHIPPED = Path(__file__).with_name("shipped.json")


def snapshot(exercises: list[Exercise]) -> dict[str, str]:
    """`exercises/<folder>/<file>` → text, for every editable file as it is now."""
    return {
        path: (exercise.path / name).read_text(encoding="utf-8")
        for exercise in exercises
        for name, path in zip(exercise.files, exercise.editable, strict=True)
    }


def write_shipped(exercises: list[Exercise], path: Path = SHIPPED) -> None:
    path.write_text(json.dumps(snapshot(exercises), indent=1, sort_keys=True) + "\n", "utf-8")


def read_shipped(path: Path = SHIPPED) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def restore(exercise: Exercise, root: Path, path: Path = SHIPPED) -> list[str]:
    """Write the shipped editable files of `exercise` back; return their paths."""
    shipped = read_shipped(path)
    for path in exercise.editable:
        (root / path).write_text(shipped[path], encoding="utf-8")
    return list(exercise.editable)
