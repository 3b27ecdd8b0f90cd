"""What a run found: one result per exercise, each with its tests.

These are the shapes every report (terminal, JSON, and later JUnit…) reads,
so the scoring rule lives here once: an exercise earns its points only when
every one of its tests passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from course.catalog import Exercise

Status = Literal["passed", "failed", "error", "timeout", "tampered"]
# When tests disagree, the exercise takes the most serious status.
SEVERITY: tuple[Status, ...] = ("passed", "failed", "error", "timeout", "tampered")


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class, despite the name

    name: str
    status: Status
    message: str = ""
    seconds: float = 0.0  # its setup and call (and a teardown that failed), as pytest timed them


@dataclass
class ExerciseResult:
    exercise: Exercise
    tests: list[TestResult] = field(default_factory=list)
    # Set when the exercise as a whole could not be graded normally (it did
    # not import, its run timed out or died); it then wins over the tests.
    problem: Status | None = None
    problem_message: str = ""
    reused: bool = False  # kept from an earlier run: nothing that decides it has changed
    # Sealed grading only: what the outside check found, and what the static check flagged.
    outside: str = ""
    flags: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if self.problem:
            return self.problem
        if not self.tests:
            return "error"
        return max((test.status for test in self.tests), key=SEVERITY.index)

    @property
    def score(self) -> int:
        return self.exercise.points if self.status == "passed" else 0

    @property
    def message(self) -> str:
        """The first reason a learner should read, or '' when it passed."""
        if self.problem_message:
            return self.problem_message
        for test in self.tests:
            if test.status != "passed":
                return test.message
        return "" if self.tests else "no tests ran for this exercise"


def total_score(results: list[ExerciseResult]) -> tuple[int, int]:
    """(score, max_score) over `results`."""
    return sum(r.score for r in results), sum(r.exercise.points for r in results)
