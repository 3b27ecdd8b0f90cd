"""Show results: for the learner on a terminal, for machines as JSON.

The JSON document is a contract that CI scripts and learning platforms read;
its shape is documented in the README and changes only with a new `version`.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from rich.console import Console
from rich.markup import escape

from course.catalog import Exercise
from grader.results import ExerciseResult, total_score

JSON_VERSION = 1
SYMBOLS = {
    "passed": ("✓", "green"),
    "failed": ("✗", "red"),
    "error": ("!", "red"),
    "timeout": ("⏱", "yellow"),
    "tampered": ("⚠", "magenta"),
}


def as_json(results: list[ExerciseResult], sealed: dict[str, Any] | None = None) -> str:
    """The JSON document; a sealed grade adds `sealed` (how learner code was confined, what
    was ignored) and, per exercise, `outside` (what the server check found) and `flags`."""
    score, max_score = total_score(results)
    document: dict[str, Any] = {
        "version": JSON_VERSION,
        "score": score,
        "max_score": max_score,
        **({"sealed": sealed} if sealed else {}),
        "exercises": [
            {
                "id": r.exercise.id,
                "title": r.exercise.title,
                "chapter": r.exercise.chapter,
                "points": r.exercise.points,
                "score": r.score,
                "status": r.status,
                "message": r.message,
                "tests": [
                    {"name": t.name, "status": t.status, "message": t.message, "seconds": t.seconds}
                    for t in r.tests
                ],
                **({"outside": r.outside, "flags": r.flags} if sealed else {}),
            }
            for r in results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def by_chapter(results: list[ExerciseResult]) -> list[tuple[int, list[ExerciseResult]]]:
    """Results grouped by chapter; they come in course order, so chapters are contiguous."""
    return [
        (chapter, list(group))
        for chapter, group in groupby(results, key=lambda r: r.exercise.chapter)
    ]


def show_progress(
    console: Console,
    results: list[ExerciseResult],
    chapters: dict[int, str],
    hint: str | None,
    elapsed: float,
    solved: Exercise | None = None,
) -> None:
    """Progress by chapter, each exercise's state, how long grading took, and what to do next.

    `hint` is the line about hints for the next exercise (see `hint_line`);
    None for a teacher's sealed grade, which shows no next step. `solved` is
    an exercise that passes whose reference solution can be shown (one line
    says how), or None.
    """
    console.print("[bold]awaitlings[/] — async Django, one failing test at a time\n")
    for chapter, members in by_chapter(results):
        done = sum(r.status == "passed" for r in members)
        score, max_score = total_score(members)
        title = chapters.get(chapter, "")
        console.print(
            f"[bold]Chapter {chapter} · {escape(title)}[/]  "
            f"{done}/{len(members)} done · {score}/{max_score} points"
        )
        for r in members:
            symbol, colour = SYMBOLS[r.status]
            console.print(
                f"  [{colour}]{symbol}[/] {r.exercise.number:02d} {r.exercise.id:<24} "
                f"[dim]{escape(r.exercise.title)}[/]  [{colour}]{r.status}[/]"
            )
    score, max_score = total_score(results)
    done = sum(r.status == "passed" for r in results)
    console.print(f"\n[bold]{done}/{len(results)} exercises done · {score}/{max_score} points[/]")
    reused = sum(r.reused for r in results)
    kept = (
        f" ({reused} unchanged since their last verdict; --fresh re-grades them)" if reused else ""
    )
    console.print(f"[dim]Graded in {elapsed:.1f} s{kept}[/]")
    if solved:
        console.print(f"[dim]{solution_line(solved)}[/]")
    if hint is not None:
        show_next(console, results, hint)


def show_list(console: Console, results: list[ExerciseResult], chapters: dict[int, str]) -> None:
    """Every exercise with its chapter, points and state: `python grader list`."""
    for chapter, members in by_chapter(results):
        console.print(f"[bold]Chapter {chapter} · {escape(chapters.get(chapter, ''))}[/]")
        for r in members:
            symbol, colour = SYMBOLS[r.status]
            score = f"{r.score}/{r.exercise.points}"
            console.print(
                f"  {r.exercise.number:02d} {r.exercise.id:<24} {score:>7}  "
                f"[{colour}]{symbol} {r.status:<8}[/] [dim]{escape(r.exercise.title)}[/]"
            )


def hint_line(exercise: Exercise, seen: int) -> str:
    """What the progress screen says about hints, given how many the learner has seen."""
    if seen == 0:
        return f"First hint:   {exercise.hints[0]}"
    if seen < len(exercise.hints):
        return (
            f"Hints:        {seen}/{len(exercise.hints)} seen — "
            f"`python grader hint {exercise.number}` for this exercise's next one"
        )
    return f"Hints:        all {seen} seen — the README says more"


def solution_line(exercise: Exercise) -> str:
    """The line that points at an exercise's reference solution, once it passes."""
    return (
        f"Solved {exercise.number:02d} {exercise.id}: "
        f"`python grader solution {exercise.number}` shows the reference beside yours"
    )


def show_next(console: Console, results: list[ExerciseResult], hint: str) -> None:
    pending = [r for r in results if r.status != "passed"]
    if not pending:
        console.print("\n[green bold]Every exercise passes. Well done![/]")
        return
    current = pending[0]
    exercise = current.exercise
    console.print(
        f"\n[bold]Next: {exercise.number:02d} {exercise.id}[/] — {escape(exercise.title)}"
    )
    console.print(f"  Why it fails: {escape(current.message)}")
    console.print(f"  Read:         {exercise.home}/README.md")
    console.print(f"  Edit:         {', '.join(exercise.editable)}")
    console.print(f"  {escape(hint)}")
    console.print(f"  Run it alone: pytest {exercise.home}")
