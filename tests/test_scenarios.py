"""The truth check of the scenarios: each fails the course as shipped and passes it solved.

A scenario (`exercises/<exercise>/scenario.py`) is what sealed grading asks a
real server before it gives an exercise's points. Here every scenario runs
against two servers started once each: uvicorn serving the course as shipped,
and serving it with `solutions/` laid over. As shipped, each check must name
the lesson's mistake, unless the exercise declares that a server cannot show
it (`shows_the_mistake = False`, exercise 01); solved, it must find nothing.
Sealed grading serves each exercise alone, in a sandbox; here the trusted
course is served whole, as `tests/test_truth.py` serves it, so the scenarios'
claims are checked as fast as the README's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.catalog import ROOT, Exercise, load_exercises
from course.fake_api import Behaviour
from grader.sealed.database import Stock
from grader.sealed.sandbox import Sandbox
from grader.sealed.scenario import Scenario, load_scenario
from grader.sealed.site import JudgeAPI, Site, serve_course
from grader.workspace import copy_course
from tests.conftest import Course

pytestmark = pytest.mark.timeout(120)

EXERCISES = load_exercises(ROOT)
SCENARIOS = {exercise.folder: load_scenario(exercise) for exercise in EXERCISES}
UNSANDBOXED = Sandbox(user=None, pid_namespace=False)  # the trusted course: nothing to contain


def serve(course: Course, scratch: Path) -> Iterator[Site]:
    home = scratch / "home"
    home.mkdir()
    rows = "\n".join(scenario.rows for scenario in SCENARIOS.values() if scenario)
    # The database sealed grading would use here: PostgreSQL when DATABASE_URL names one.
    stock = Stock(course.path, scratch, rows, os.environ.get("DATABASE_URL", ""))
    try:
        database = stock.for_server("all", home, None)
        with (
            JudgeAPI(Behaviour()) as api,
            serve_course(UNSANDBOXED, course.path, home, api, sys.executable, database) as site,
        ):
            warm = site.request("GET", "/health/")  # imports every exercise, as sealed grading does
            assert warm.status == 200, warm.shown()
            yield site
    finally:
        stock.close()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    scratch = tmp_path_factory.mktemp("shipped")
    yield from serve(Course(copy_course(ROOT, scratch / "course")), scratch)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    scratch = tmp_path_factory.mktemp("solved")
    yield from serve(Course(copy_course(ROOT, scratch / "course")).solve(), scratch)


CHEATS = Path(__file__).parent / "cheats"  # views that try to fool a scenario, one per file


@pytest.fixture(scope="module")
def cheating(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    scratch = tmp_path_factory.mktemp("cheating")
    course = Course(copy_course(ROOT, scratch / "course"))
    for cheat in CHEATS.glob("ex*.py"):
        course.write(f"exercises/{cheat.stem}/views.py", cheat.read_text(encoding="utf-8"))
    yield from serve(course, scratch)


def check(site: Site, scenario: Scenario) -> list[str]:
    site.api.behave(scenario.behaviour)
    return scenario.check(site)


WITH_SCENARIOS = [
    pytest.param(exercise, id=exercise.folder)
    for exercise in EXERCISES
    if SCENARIOS[exercise.folder]
]


def test_every_exercise_declares_a_scenario() -> None:
    missing = [exercise.folder for exercise in EXERCISES if SCENARIOS[exercise.folder] is None]
    assert not missing, f"sealed grading cannot confirm these from outside: {missing}"


@pytest.mark.parametrize("exercise", WITH_SCENARIOS)
def test_the_scenario_names_the_mistake_of_the_shipped_exercise(
    shipped: Site, exercise: Exercise
) -> None:
    scenario = SCENARIOS[exercise.folder]
    assert scenario is not None

    problems = check(shipped, scenario)

    if scenario.shows_the_mistake:
        assert problems, f"{exercise.folder} as shipped passed its outside check"
    else:
        assert scenario.unconfirmed, "a scenario that cannot show the mistake says why"


@pytest.mark.parametrize("exercise", WITH_SCENARIOS)
def test_the_scenario_agrees_with_the_solution(solved: Site, exercise: Exercise) -> None:
    scenario = SCENARIOS[exercise.folder]
    assert scenario is not None

    problems = check(solved, scenario)

    assert problems == [], f"{exercise.folder} solved failed its outside check: {problems}"


@pytest.mark.parametrize("cheat", sorted(CHEATS.glob("ex*.py")), ids=lambda path: path.stem)
def test_the_scenario_sees_through_a_cheat(cheating: Site, cheat: Path) -> None:
    scenario = SCENARIOS[cheat.stem]
    assert scenario is not None

    problems = check(cheating, scenario)

    assert problems, (
        f"{cheat.stem}: the cheat in tests/cheats/{cheat.name} passed its outside check"
    )
