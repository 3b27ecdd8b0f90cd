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
    close = close_matches(wanted, exercises)
    suggestion = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownExercise(
        f"no exercise is called {name!r}.{suggestion} `python grader list` shows them all."
    )


WHOLE_CUTOFF = 0.5  # how alike a typo and a whole id must be (difflib's ratio)
PREFIX_CUTOFF = 0.6  # how alike a typo and an id's start of the same length must be


def close_matches(wanted: str, exercises: list[Exercise], n: int = 3) -> list[str]:
    """The ids `wanted` is most likely a typo of, best first (at most `n`).

    A learner types a prefix as often as a whole id (`block` works), so a typo
    of a prefix (`blok`) is compared with the start of each id as long as it,
    and a typo of a whole id (`blocking_slep`) with the whole id. The start
    needs to be the more alike: two letters in common with a four-letter start
    (`blok`, `boun`) is chance, not a likely typo.
    """
    scored = []
    for exercise in exercises:
        whole = difflib.SequenceMatcher(None, wanted, exercise.id).ratio()
        start = difflib.SequenceMatcher(None, wanted, exercise.id[: len(wanted)]).ratio()
        score = max(whole if whole >= WHOLE_CUTOFF else 0, start if start >= PREFIX_CUTOFF else 0)
        if score:
            scored.append((-score, -whole, exercise.number, exercise.id))
    return [name for *_, name in sorted(scored)[:n]]
