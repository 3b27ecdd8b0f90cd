"""`python grader`, as learners, teachers and maintainers run it, on copies of the course."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from django.urls import resolve

from course.catalog import ROOT, load_exercises

# Each test runs the grader, which runs pytest: longer than an exercise test.
pytestmark = pytest.mark.timeout(300)

STATUSES = {"passed", "failed", "error", "timeout", "tampered"}
EXERCISES = load_exercises()


def test_json_follows_the_contract_and_scores_zero_as_shipped(course):
    kept = course.keep("ex01_first_async_view", "ex02_missing_await", "ex03_blocking_sleep")
    code, document = kept.grade_json()

    assert code == 1
    assert set(document) == {"version", "score", "max_score", "exercises"}
    assert document["score"] == 0
    assert document["max_score"] == sum(exercise.points for exercise in kept.exercises())
    assert [e["id"] for e in document["exercises"]] == [e.id for e in kept.exercises()]
    for exercise in document["exercises"]:
        assert {"id", "title", "chapter", "points", "score", "status", "tests"} <= set(exercise)
        assert exercise["status"] == "failed"
        assert exercise["tests"], f"{exercise['id']} reported no tests"
        for test in exercise["tests"]:
            assert set(test) == {"name", "status", "message", "seconds"}
            assert test["status"] in STATUSES
            assert (test["status"] == "passed") == (test["message"] == "")


def test_progress_shows_chapters_state_and_the_next_step(course):
    kept = course.keep("ex01_first_async_view", "ex02_missing_await", "ex07_gather_fanout")
    points = [exercise.points for exercise in kept.exercises()]

    done = kept.grader()

    assert done.returncode == 1
    first = EXERCISES[0]
    text = " ".join(done.stdout.split())
    assert f"Chapter 1 · Why async matters 0/2 done · 0/{sum(points[:2])} points" in text
    assert f"Chapter 2 · Concurrency patterns 0/1 done · 0/{points[2]} points" in text
    assert f"0/3 exercises done · 0/{sum(points)} points" in text
    assert re.search(r"Graded in \d+\.\d s", text)
    assert f"Next: 01 {first.id}" in text
    # The README's headline example: the reason, in plain words, for the next exercise.
    assert "Why it fails: the forecast view is a plain `def`" in text
    assert f"exercises/{first.folder}/README.md" in text
    assert f"First hint: {first.hints[0]}" in text
    assert "\x1b[" not in done.stdout, "no colour codes when stdout is not a terminal"

    # The progress screen showed the first hint, so `hint` goes on with the second.
    asked = kept.grader("hint", "1")
    again = kept.grader()

    assert first.hints[1] in " ".join(asked.stdout.split())
    assert "Hints: 2/3 seen — `python grader hint 1` for this exercise's next one" in " ".join(
        again.stdout.split()
    )


def test_a_malformed_course_exits_with_status_2(course):
    toml = course.path / "exercises/ex02_missing_await/exercise.toml"
    toml.write_text(toml.read_text().replace('id = "missing_await"', 'id = "renamed"'))

    done = course.grader()

    assert done.returncode == 2
    assert "The course is malformed" in done.stderr
    assert "ex02_missing_await/exercise.toml: id must be 'missing_await'" in done.stderr


def test_a_python_without_the_courses_packages_is_told_how_to_run_the_grader(course):
    # -S: no site-packages, so none of the course's packages can be imported.
    done = subprocess.run(
        [sys.executable, "-S", "grader"], cwd=course.path, capture_output=True, text=True
    )

    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "does not have the course's packages (missing: rich" in done.stderr
    assert "python3 -m venv .venv && .venv/bin/python -m pip install -e ." in done.stderr


def test_python_dash_m_grader_works_too(course):
    done = subprocess.run(
        [sys.executable, "-m", "grader", "--json"],
        cwd=course.keep("ex02_missing_await").path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 1
    assert done.stdout.lstrip().startswith("{")


def test_all_solved_scores_full_marks_and_exits_zero(course):
    code, document = course.keep("ex01_first_async_view", "ex07_gather_fanout").solve().grade_json()

    assert code == 0
    assert document["score"] == document["max_score"]
    assert {e["status"] for e in document["exercises"]} == {"passed"}


def test_verify_passes_on_the_course(course):
    done = course.grader("verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every exercise fails as shipped and passes with its solution" in done.stdout


def test_verify_names_an_exercise_that_passes_as_shipped(course):
    # Shipped solved, with the records made afterwards: only grading can tell.
    course.solve("ex02_missing_await").keep("ex01_first_async_view", "ex02_missing_await")
    done = course.grader("verify")
    assert done.returncode == 1
    assert "ex02_missing_await: as shipped it should fail by failing tests" in done.stdout


def test_verify_names_a_solution_that_does_not_mirror_the_editable_files(course):
    (course.path / "solutions/ex01_first_async_view/extra.py").write_text("")
    done = course.grader("verify")
    assert done.returncode == 1
    assert "solutions/ex01_first_async_view/ holds" in " ".join(done.stdout.split())
    assert "Nothing was graded: the course's records need fixing first." in done.stdout


def test_ci_outputs_are_written_from_one_run(course, tmp_path):
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    junit, gradescope = tmp_path / "junit.xml", tmp_path / "results.json"
    options = ["--junit", str(junit), "--gradescope", str(gradescope), "--classroom"]
    course.keep("ex01_first_async_view", "ex02_missing_await").solve("ex01_first_async_view")
    done = subprocess.run(
        [sys.executable, "grader", *options],
        cwd=course.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 1
    assert junit.read_text().count("<testcase ") >= 2
    assert json.loads(gradescope.read_text())["score"] == EXERCISES[0].points
    assert (tmp_path / "output").read_text().startswith("result=")
    assert "| 01 first_async_view | passed |" in (tmp_path / "summary.md").read_text()
    assert "::error file=exercises/ex02_missing_await/views.py,line=" in done.stdout


def test_usage_errors_exit_with_status_2(course):
    assert course.grader("no-such-command").returncode == 2


# Exercise 20 ships a view class Django refuses when its urls are imported: the lesson.
REFUSED_AS_SHIPPED = {"async_class_view"}


def test_the_root_urls_serve_every_exercise_under_its_id():
    for exercise in EXERCISES:
        match = resolve(f"/{exercise.id}/", urlconf="course.urls")
        if exercise.id in REFUSED_AS_SHIPPED:
            assert match.func.__module__ == "course.urls"  # the page that says why
        else:
            assert match.func.__module__ == f"{exercise.package}.views"


def test_the_root_urls_mount_a_broken_exercise_as_an_error_page(rf):
    from course.urls import mount

    broken = load_exercises(ROOT)[0]
    broken = type(broken)(**{**broken.__dict__, "folder": "ex99_missing", "id": "missing"})
    pattern = mount(broken)
    response = pattern.callback(rf.get("/missing/"))
    assert response.status_code == 500
    assert b"exercise ex99_missing could not be loaded: ModuleNotFoundError" in response.content
