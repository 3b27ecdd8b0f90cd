"""The READMEs say what is true: CI runs the test command verbatim, and each exercise's
README names every test of the exercise."""

import ast
import re
from pathlib import Path

import pytest

from course.catalog import ROOT, Exercise, load_exercises

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"^TEST_COMMAND='(.+)'$", ci, re.MULTILINE).group(1)
    assert f"\n{command}\n" in README


def test_the_quick_start_installs_and_runs_the_grader():
    assert "\npython3 -m venv .venv && .venv/bin/python -m pip install -e . && " in README
    assert ".venv/bin/python grader\n" in README


# Each exercise's README lists its tests, so a learner knows what is checked before a
# test says so.
TESTS_SECTION = "## What the tests check"


def collected_tests(test_file: Path) -> list[str]:
    """The tests pytest collects from `test_file`: its `test*` functions, and the `test*`
    methods of its `Test*` classes (pytest's defaults, which the course keeps)."""
    tree = ast.parse(test_file.read_text(encoding="utf-8"), filename=str(test_file))
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    names = [node.name for node in tree.body if isinstance(node, functions)]
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names += [method.name for method in node.body if isinstance(method, functions)]
    return [name for name in names if name.startswith("test")]


def section_on_tests(readme: str) -> str:
    """The README's "What the tests check" section, up to the next `## ` heading."""
    found = re.search(rf"^{TESTS_SECTION}\n(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL)
    return found.group(1) if found else ""


@pytest.mark.parametrize("exercise", load_exercises(), ids=lambda exercise: exercise.id)
def test_every_test_of_an_exercise_is_named_in_its_readme(exercise: Exercise) -> None:
    """Every test of an exercise is named in its README, and every test named there exists.

    The rule, for whoever adds, renames or removes a test: the exercise's
    README.md has a section headed exactly `## What the tests check`, and in
    it each test function of the exercise's `test_*.py` files (including each
    `test*` method of a `Test*` class) is written by its name, in backticks,
    with what it checks in plain words:

        - `test_a_visitor_who_leaves_stops_every_call`: when the visitor
          leaves, both calls are cancelled.

    A parametrized test is named once (say in words what its cases are). A
    name in backticks that starts with `test_` must be a test the exercise
    has, so a renamed or removed test cannot stay described.
    """
    readme = (exercise.path / "README.md").read_text(encoding="utf-8")
    section = section_on_tests(readme)
    assert section, f"{exercise.home}/README.md has no section headed {TESTS_SECTION!r}"
    tests = {
        name: test_file.name
        for test_file in sorted(exercise.path.glob("test_*.py"))
        for name in collected_tests(test_file)
    }
    named = set(re.findall(r"`(test_\w+)`", section))
    missing = [f"{name} ({tests[name]})" for name in tests if name not in named]
    assert not missing, (
        f"{exercise.home}/README.md, {TESTS_SECTION!r}, does not name "
        f"{', '.join(missing)}: add a line for each, its name in backticks and what it checks"
    )
    stale = sorted(named - tests.keys())
    assert not stale, (
        f"{exercise.home}/README.md, {TESTS_SECTION!r}, names {', '.join(stale)}, which "
        f"{exercise.home} has no test of: rename or remove the line"
    )
