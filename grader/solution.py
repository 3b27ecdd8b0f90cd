"""`python grader solution N`: the reference solution beside yours, once yours passes.

Rustlings shows its solution only once an exercise is done, and so does this
command. Before, the lesson is in the search (the failure message, the hints,
the README), and an answer read first turns the exercise into copying; after,
the reference is a second opinion worth reading: another way to write the
same view, or a detail the tests do not insist on. So before the exercise
passes, the command says why it waits, points at the hints, and names
`--force`. In the course's own repository the answers sit in `solutions/`,
one `ls` away, so the refusal is a nudge, not a lock: a learner who has truly
given up, and a teacher preparing a class, read it with `--force`.

Each editable file (`exercise.toml` lists them) that the reference has is
shown as a diff from the learner's file to the reference's. A learner's copy
made by `python grader template` holds no `solutions/`: then there is
nothing to show, and the command says so.
"""

from __future__ import annotations

import difflib
import stat
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from course.catalog import Exercise

SOLUTIONS = "solutions"


def reference_of(root: Path, exercise: Exercise) -> Path:
    return root / SOLUTIONS / exercise.folder


def has_reference(root: Path, exercise: Exercise) -> bool:
    """True when the reference holds one of the exercise's editable files at least."""
    folder = reference_of(root, exercise)
    return any((folder / name).is_file() for name in exercise.files)


def no_reference(root: Path, exercise: Exercise) -> str:
    """What to say when `exercise` has no reference to show."""
    if not (root / SOLUTIONS).is_dir():
        return (
            f"There is no reference solution of {exercise.id} to show: this copy of the course "
            f"has no {SOLUTIONS}/ folder (a learner's copy holds none; the teacher keeps them)."
        )
    return (
        f"There is no reference solution of {exercise.id} to show: "
        f"{SOLUTIONS}/{exercise.folder}/ holds none of {', '.join(exercise.files)}."
    )


@dataclass
class Comparison:
    """One editable file: the learner's (`yours`, relative to the course) beside the reference's."""

    yours: str
    diff: list[str]  # unified diff lines, from yours to the reference; empty when the same
    note: str = ""  # why the learner's side is empty, when it is


def compare(root: Path, exercise: Exercise) -> list[Comparison]:
    """Every editable file of `exercise` that its reference has, beside the learner's."""
    comparisons = []
    for name, yours in zip(exercise.files, exercise.editable, strict=True):
        reference = reference_of(root, exercise) / name
        if not reference.is_file():
            continue
        mine, note = _read_yours(root / yours)
        theirs = reference.read_text(encoding="utf-8", errors="replace")
        shown = reference.relative_to(root).as_posix()
        diff = difflib.unified_diff(
            mine.splitlines(keepends=True),
            theirs.splitlines(keepends=True),
            fromfile=f"yours: {yours}",
            tofile=f"reference: {shown}",
        )
        lines = [line.rstrip("\r\n") for line in diff]
        comparisons.append(Comparison(yours, lines, note))
    return comparisons


def _read_yours(path: Path) -> tuple[str, str]:
    """The learner's file as text, or '' and why not (missing, a link or a device: not read)."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "", "you have no such file"
    if not stat.S_ISREG(mode):
        return "", "yours is not a regular file, so it was not read"
    return path.read_text(encoding="utf-8", errors="replace"), ""


STYLES = {"@": "cyan", "-": "red", "+": "green"}  # by a diff line's first character


def show(console: Console, exercise: Exercise, comparisons: list[Comparison], passed: bool) -> None:
    console.print(
        f"[bold]{exercise.number:02d} · {escape(exercise.title)}[/]  ({exercise.id}): "
        f"your files beside the reference solution"
    )
    if passed:
        console.print("[dim]Both pass the tests: a difference is another way, not a mistake.[/]")
    for comparison in comparisons:
        console.print()
        if comparison.note:
            console.print(f"[yellow]{escape(comparison.yours)}: {comparison.note}[/]")
        if not comparison.diff:
            console.print(
                f"{escape(comparison.yours)} is the reference, line for line.", highlight=False
            )
            continue
        for index, line in enumerate(comparison.diff):
            style = "bold" if index < 2 else STYLES.get(line[:1], "")  # two lines name the files
            console.print(Text(line, style=style))
    if any(comparison.diff for comparison in comparisons):
        console.print(
            f"\n[dim]Lines with - are yours, with + the reference's. The whole reference: "
            f"{SOLUTIONS}/{exercise.folder}/[/]"
        )
