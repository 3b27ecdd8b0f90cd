"""`python grader watch`: re-grade the current exercise whenever one of its files is saved.

The current exercise is the first one that does not pass. When it passes, the
watch says so and moves on to the next. File events come from watchfiles;
where they are unreliable (network drives, some containers and VMs), `--poll`
or `WATCHFILES_FORCE_POLLING=1` makes it poll the files instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from watchfiles import watch

from course.catalog import Exercise
from grader.report import SYMBOLS, solution_line
from grader.results import ExerciseResult

Grade = Callable[[list[Exercise]], list[ExerciseResult]]


def next_unfinished(results: list[ExerciseResult], after: int = 0) -> ExerciseResult | None:
    return next((r for r in results if r.status != "passed" and r.exercise.number > after), None)


def show(console: Console, result: ExerciseResult, reference: bool = False) -> None:
    """The verdict; a pass says how to see the reference solution when there is one."""
    exercise = result.exercise
    symbol, colour = SYMBOLS[result.status]
    console.print(f"[{colour}]{symbol}[/] {exercise.number:02d} {exercise.id}: {result.status}")
    if result.status == "passed" and reference:
        console.print(f"  [dim]{solution_line(exercise)}[/]")
    if result.status != "passed":
        console.print(f"  {escape(result.message)}")
        console.print(
            f"  [dim]Edit {', '.join(exercise.editable)} and save. "
            f"Stuck? `python grader hint {exercise.number}`. Ctrl-C to stop.[/]"
        )


def watch_course(
    console: Console,
    exercises: list[Exercise],
    grade: Grade,
    *,
    poll: bool = False,
    changes: Callable[[Path], Iterable[object]] | None = None,
    stop: threading.Event | None = None,
    has_reference: Callable[[Exercise], bool] = lambda exercise: False,
) -> int:
    """Watch until every exercise passes (exit 0) or Ctrl-C (exit 0 too: nothing failed).

    `has_reference` tells whether an exercise has a reference solution to show:
    the pass of such an exercise says how to see it.
    """
    stop = stop or threading.Event()
    if changes is None:

        def changes(folder: Path) -> Iterable[object]:
            # An empty batch every half second while nothing changes: the first
            # one says the watcher is running, so a save cannot slip past it.
            return watch(
                folder,
                force_polling=poll or None,
                stop_event=stop,
                debounce=400,
                rust_timeout=500,
                yield_on_timeout=True,
            )

    current = next_unfinished(grade(exercises))
    try:
        while current is not None:
            show(console, current)
            watching = False
            for batch in changes(current.exercise.path):
                if not batch:
                    if not watching:
                        files = ", ".join(current.exercise.editable)
                        console.print(
                            f"[dim]Watching {files}: save it to re-grade; Ctrl-C stops[/]"
                        )
                        watching = True
                    continue
                [current] = grade([current.exercise])
                if current.status == "passed":
                    show(console, current, has_reference(current.exercise))
                    break
                show(console, current)
            else:
                return 0  # the watch was stopped
            results = grade(exercises)
            current = next_unfinished(results, current.exercise.number) or next_unfinished(results)
    except KeyboardInterrupt:
        console.print("\nStopped watching.")
        return 0
    console.print("[green bold]Every exercise passes. Well done![/]")
    return 0
