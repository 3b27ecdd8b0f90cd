"""Find the exercise a learner means: by id, number (`7`, `07`), folder or unique prefix."""

from __future__ import annotations

import difflib

from course.catalog import Exercise


class UnknownExercise(LookupError):
    """The name matches no exercise, or several; the message lists candidates."""


def find_exercise(name: str, exercises: list[Exercise]) -> Exercise:
    wanted = name.strip().lower().rstrip("/").removeprefix("exercises/")
    if wanted.isdigit():
        for exercise in exercises:
            if exercise.number == int(wanted):
                return exercise
    for exercise in exercises:
        if wanted in (exercise.id, exercise.folder):
            return exercise
    prefixed = [e for e in exercises if e.id.startswith(wanted) or e.folder.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        names = ", ".join(e.id for e in prefixed)
        raise UnknownExercise(f"{name!r} could be any of: {names}")
    close = difflib.get_close_matches(wanted, [e.id for e in exercises], n=3, cutoff=0.5)
    suggestion = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownExercise(
        f"no exercise is called {name!r}.{suggestion} `python grader list` shows them all."
    )
