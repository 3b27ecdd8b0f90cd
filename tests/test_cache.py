"""Verdicts kept between runs: reused only while nothing that decides them has changed."""

from __future__ import annotations

import pytest

from course.catalog import load_exercises
from grader.cache import ResultCache
from grader.cli import build_parser, for_machines
from grader.results import ExerciseResult, TestResult

pytestmark = pytest.mark.timeout(300)


def test_the_second_run_reuses_unchanged_verdicts_and_regrades_a_changed_exercise(course):
    course.keep("ex01_first_async_view", "ex02_missing_await", "ex03_blocking_sleep")
    first = course.grader()
    second = course.grader()
    course.solve("ex02_missing_await")
    third = course.grader()
    fresh = course.grader("--fresh")

    assert "unchanged since their last verdict" not in first.stdout
    assert "(3 unchanged since their last verdict" in second.stdout
    assert "(2 unchanged since their last verdict" in third.stdout
    assert "1/3 exercises done" in third.stdout  # the solved exercise is not shown stale
    assert "unchanged since their last verdict" not in fresh.stdout


def test_machine_outputs_are_always_fresh(course):
    course.keep("ex02_missing_await").grader()
    course.solve("ex02_missing_await")

    code, document = course.grade_json()

    statuses = {e["id"]: e["status"] for e in document["exercises"]}
    assert statuses == {"missing_await": "passed"}
    assert code == 0


@pytest.mark.parametrize(
    "flags",
    [
        ["--json"],
        ["--json-file", "x.json"],
        ["--junit", "x.xml"],
        ["--gradescope", "x.json"],
        ["--classroom"],
    ],
)
def test_every_output_for_machines_is_graded_fresh(flags):
    assert for_machines(build_parser().parse_args(flags))
    assert not for_machines(build_parser().parse_args([]))


def test_a_verdict_is_keyed_by_every_file_the_test_timeout_and_the_database(course, monkeypatch):
    exercise = load_exercises(course.path)[1]
    cache = ResultCache(course.path, test_timeout=None)
    key = cache.key(exercise)

    assert ResultCache(course.path, test_timeout=5).key(exercise) != key
    monkeypatch.setenv("DATABASE_URL", "postgresql://me@127.0.0.1:5432/awaitlings")
    assert ResultCache(course.path, test_timeout=None).key(exercise) != key
    monkeypatch.undo()
    (exercise.path / "README.md").write_text("changed\n")
    assert cache.key(exercise) != key


def test_a_new_manifest_changes_every_key(course):
    exercise = load_exercises(course.path)[0]
    key = ResultCache(course.path, test_timeout=None).key(exercise)
    manifest = course.path / "grader" / "manifest.json"
    manifest.write_text(manifest.read_text().replace("{", '{\n "extra": "0",', 1))

    assert ResultCache(course.path, test_timeout=None).key(exercise) != key


@pytest.mark.parametrize("status", ["timeout", "error"])
def test_only_passed_and_failed_verdicts_are_kept(course, status):
    exercise = load_exercises(course.path)[0]
    cache = ResultCache(course.path, test_timeout=None)
    keys = {exercise.folder: cache.key(exercise)}

    cache.put([ExerciseResult(exercise, [TestResult("test_x", status, "why")])], keys)
    assert cache.get(exercise, keys[exercise.folder]) is None
    cache.put([ExerciseResult(exercise, [TestResult("test_x", "failed", "why")])], keys)
    assert ResultCache(course.path, None).get(exercise, keys[exercise.folder]).status == "failed"
