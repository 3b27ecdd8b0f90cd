"""Alternative and wrong solutions of every exercise, graded as a learner's would be.

Each `tests/cases/<exercise>/cases.toml` lists files that replace the
exercise's views.py: alternatives must pass (tests check behaviour, not
spelling), typical mistakes must fail with the message that names them. Cases
are graded in rounds (one case of each exercise per copy of the course), so
the whole set costs a few test runs instead of one per case.
"""

from __future__ import annotations

import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import pytest

from course.catalog import ROOT, load_exercise
from grader.results import ExerciseResult
from grader.run import grade
from grader.workspace import copy_course

CASES_DIR = Path(__file__).parent / "cases"
# Seconds a case's test may take: a hang still ends, but a loaded machine does not make a
# verdict (CI on PostgreSQL, 2026-12-01: flushes between transactional tests took two passing
# cases of exercise 18 past the grader's default of 10 s, beside the rest of the suite).
CASE_TIMEOUT = 60
pytestmark = pytest.mark.timeout(300)


@dataclass(frozen=True)
class Case:
    folder: str
    file: str
    expect: str
    message: str = ""

    def __str__(self) -> str:
        return f"{self.folder}/{self.file}"


def load_cases() -> list[list[Case]]:
    """Cases grouped by exercise, in file order."""
    groups = []
    for toml in sorted(CASES_DIR.glob("*/cases.toml")):
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
        groups.append([Case(toml.parent.name, **case) for case in data["case"]])
    return groups


GROUPS = load_cases()
ALL_CASES = [case for group in GROUPS for case in group]


def grade_round(scratch: Path, number: int, cases: list[Case]) -> dict[Case, ExerciseResult]:
    tree = copy_course(ROOT, scratch / f"round{number}")
    exercises = []
    for case in cases:
        exercise = load_exercise(tree / "exercises" / case.folder)
        target = exercise.path / exercise.files[0]
        target.write_text((CASES_DIR / case.folder / case.file).read_text(encoding="utf-8"))
        exercises.append(exercise)
    results = grade(tree, exercises, test_timeout=CASE_TIMEOUT)
    return dict(zip(cases, results, strict=True))


@pytest.fixture(scope="session")
def case_results(tmp_path_factory: pytest.TempPathFactory) -> dict[Case, ExerciseResult]:
    scratch = tmp_path_factory.mktemp("cases")
    rounds = [[c for c in round_ if c] for round_ in zip_longest(*GROUPS)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        graded = pool.map(lambda n: grade_round(scratch, n, rounds[n]), range(len(rounds)))
        return {case: result for results in graded for case, result in results.items()}


def test_every_exercise_has_two_alternative_and_two_wrong_solutions():
    exercises = sorted(p.name for p in (ROOT / "exercises").glob("ex*") if p.is_dir())
    by_exercise = {group[0].folder: group for group in GROUPS}
    for folder in exercises:
        cases = by_exercise.get(folder, [])
        assert sum(c.expect == "passed" for c in cases) >= 2, f"{folder}: fewer than 2 right ones"
        assert sum(c.expect == "failed" for c in cases) >= 2, f"{folder}: fewer than 2 wrong ones"


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_case(case: Case, case_results: dict[Case, ExerciseResult]):
    result = case_results[case]
    messages = [t.message for t in result.tests if t.status != "passed"] + [result.message]
    assert result.status == case.expect, f"{case} is {result.status}: {result.message}"
    if case.message:
        assert any(case.message in m for m in messages), (
            f"{case} failed, but not with the expected message {case.message!r}; it said: "
            + " | ".join(filter(None, messages))
        )
