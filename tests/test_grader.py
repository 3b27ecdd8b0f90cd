"""`python grader`, as learners, teachers and maintainers run it, on copies of the course."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from django.urls import resolve

from course.catalog import ROOT, load_exercises
from tests.conftest import by_id

# Each test runs the grader, which runs pytest: longer than an exercise test.
pytestmark = pytest.mark.timeout(300)

STATUSES = {"passed", "failed", "error", "timeout", "tampered"}
EXERCISES = load_exercises()


def test_json_follows_the_contract_and_scores_zero_as_shipped(course):
    code, document = course.grade_json()

    assert code == 1
    assert set(document) == {"version", "score", "max_score", "exercises"}
    assert document["score"] == 0
    assert document["max_score"] == sum(exercise.points for exercise in EXERCISES)
    assert [e["id"] for e in document["exercises"]] == [e.id for e in EXERCISES]
    for exercise in document["exercises"]:
        assert {"id", "title", "chapter", "points", "score", "status", "tests"} <= set(exercise)
        assert exercise["status"] == "failed"
        assert exercise["tests"], f"{exercise['id']} reported no tests"
        for test in exercise["tests"]:
            assert set(test) == {"name", "status", "message"}
            assert test["status"] in STATUSES
            assert (test["status"] == "passed") == (test["message"] == "")


def test_progress_shows_chapters_state_and_the_next_step(course):
    done = course.grader()

    assert done.returncode == 1
    first = EXERCISES[0]
    total = sum(exercise.points for exercise in EXERCISES)
    text = " ".join(done.stdout.split())
    assert "Chapter 1 · Why async matters 0/6 done · 0/60 points" in text
    assert f"0/{len(EXERCISES)} exercises done · 0/{total} points" in text
    assert re.search(r"Graded in \d+\.\d s", text)
    assert f"Next: 01 {first.id}" in text
    # The README's headline example: the reason, in plain words, for the next exercise.
    assert "Why it fails: the forecast view is a plain `def`" in text
    assert f"exercises/{first.folder}/README.md" in text
    assert f"First hint: {first.hints[0]}" in text
    assert "\x1b[" not in done.stdout, "no colour codes when stdout is not a terminal"


def test_after_the_progress_screen_showed_the_first_hint_hint_gives_the_second(course):
    first = EXERCISES[0]
    course.grader()

    asked = course.grader("hint", "1")
    again = course.grader()

    assert first.hints[1] in " ".join(asked.stdout.split())
    assert "Hints: 2/3 seen — `python grader hint 1` for the next one" in " ".join(
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
        cwd=course.path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 1
    assert done.stdout.lstrip().startswith("{")


def test_all_solved_scores_full_marks_and_exits_zero(course):
    code, document = course.solve().grade_json()

    assert code == 0
    assert document["score"] == document["max_score"]
    assert {e["status"] for e in document["exercises"]} == {"passed"}


def test_hostile_code_in_some_exercises_leaves_the_others_graded(course):
    course.solve()
    course.write("exercises/ex02_missing_await/views.py", "import os\n\nos._exit(0)\n")
    course.write("exercises/ex03_blocking_sleep/views.py", "async def order_status(request:\n")
    course.write(
        "exercises/ex04_async_http_client/views.py",
        # An endless loop that also ignores the signals timeouts are made of.
        "import signal\n\n\nasync def forecast(request):\n"
        "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "    while True:\n        pass\n",
    )

    course.write(
        "exercises/ex06_dont_async_everything/views.py",
        "async def register(request):\n    raise KeyboardInterrupt\n",
    )
    started = time.monotonic()

    # The endless loop is stopped by the harness's watchdog, long before the budget.
    code, document = course.grade_json("--test-timeout", "2", "--budget", "90")

    assert time.monotonic() - started < 60
    assert code == 1
    exercises = by_id(document)
    assert exercises["missing_await"]["status"] == "error"
    assert "stopped before this exercise finished" in exercises["missing_await"]["message"]
    assert exercises["blocking_sleep"]["status"] == "error"
    assert (
        "ex03_blocking_sleep/views.py:1 has a syntax error"
        in (exercises["blocking_sleep"]["message"])
    )
    assert exercises["async_http_client"]["status"] == "timeout"
    assert exercises["dont_async_everything"]["status"] == "error"
    hostile = {"missing_await", "blocking_sleep", "async_http_client", "dont_async_everything"}
    others = set(exercises) - hostile
    assert {exercises[name]["status"] for name in others} == {"passed"}
    assert document["score"] == sum(exercises[name]["points"] for name in others)


def test_sys_exit_and_endless_recursion_are_reported_for_their_exercise(course):
    course.solve()
    course.write("exercises/ex02_missing_await/views.py", "import sys\n\nsys.exit(0)\n")
    course.write(
        "exercises/ex03_blocking_sleep/views.py",
        "import sys\n\n\nasync def order_status(request):\n    sys.exit(0)\n",
    )

    course.write(
        "exercises/ex04_async_http_client/views.py",
        "async def forecast(request):\n    return await forecast(request)\n",
    )

    code, document = course.grade_json()

    exercises = by_id(document)
    assert exercises["missing_await"]["status"] == "error"
    assert "called sys.exit(0) while being imported" in exercises["missing_await"]["message"]
    assert exercises["async_http_client"]["status"] == "failed"
    assert "RecursionError" in exercises["async_http_client"]["message"]
    assert exercises["blocking_sleep"]["status"] == "failed"
    assert (
        "the view called sys.exit(0) at exercises/ex03_blocking_sleep/views.py:5"
        in (exercises["blocking_sleep"]["message"])
    )
    others = set(exercises) - {"missing_await", "blocking_sleep", "async_http_client"}
    assert {exercises[name]["status"] for name in others} == {"passed"}
    assert code == 1


DROPS_ITS_CONCURRENCY_TEST = """
import gc

import pytest

from .views_solved import dashboard  # noqa: F401

session = next(o for o in gc.get_objects() if isinstance(o, pytest.Session))
session.items[:] = [i for i in session.items if "in_flight_at_once" not in i.nodeid]
"""


def test_a_collected_test_that_never_runs_is_an_error_not_a_pass(course):
    # A view that removes a pending test from pytest's session (found by an
    # attack on the grader): the other tests pass, the dropped one never reports.
    course.solve()
    views = course.path / "exercises/ex07_gather_fanout/views.py"
    (views.parent / "views_solved.py").write_text(views.read_text(encoding="utf-8"))
    course.write("exercises/ex07_gather_fanout/views.py", DROPS_ITS_CONCURRENCY_TEST)

    code, document = course.grade_json()

    dropped = by_id(document)["gather_fanout"]
    assert dropped["status"] == "error"
    assert "test_the_three_calls_are_in_flight_at_once never ran" in dropped["message"]
    assert code == 1


def test_noisy_and_lingering_code_is_graded_normally_and_quickly(course):
    course.solve()
    # 40 MB of output per request, and a thread that outlives the test session.
    for folder, extra in [
        ("ex05_sync_view_holds_a_thread", "print('x' * 40_000_000)"),
        ("ex06_dont_async_everything", "threading.Thread(target=time.sleep, args=(3600,)).start()"),
    ]:
        views = course.path / "exercises" / folder / "views.py"
        source = views.read_text().replace(
            "async def ", f"import threading, time\n{extra}\n\n\nasync def ", 1
        )
        views.write_text(source)
    started = time.monotonic()

    code, document = course.grade_json("--budget", "100")

    assert time.monotonic() - started < 60, "the run waited for the learner's thread"
    assert code == 0, [e["message"] for e in document["exercises"] if e["status"] != "passed"]


def test_a_run_that_hangs_is_killed_within_its_budget(course):
    course.solve()
    # A sync view spinning in a worker thread: no signal can stop it, and the
    # thread keeps the test process from exiting.
    course.write(
        "exercises/ex05_sync_view_holds_a_thread/views.py",
        "def forecast(request):\n    while True:\n        pass\n",
    )
    started = time.monotonic()

    # With per-test timeouts off, only the run's budget can stop it. The budget
    # also bounds the re-run of the exercises after the hung one, so it must
    # leave them room on a loaded machine.
    code, document = course.grade_json("--budget", "20", "--test-timeout", "0")

    assert time.monotonic() - started < 60
    exercises = by_id(document)
    hung = exercises.pop("sync_view_holds_a_thread")
    assert hung["status"] == "timeout"
    assert {e["status"] for e in exercises.values()} == {"passed"}
    assert code == 1


def test_verify_passes_on_the_course(course):
    done = course.grader("verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every exercise fails as shipped and passes with its solution" in done.stdout


def test_verify_names_an_exercise_that_passes_as_shipped(course):
    done = course.solve("ex02_missing_await").grader("verify")
    assert done.returncode == 1
    assert "ex02_missing_await: as shipped it should fail by failing tests" in done.stdout


def test_verify_names_a_solution_that_does_not_mirror_the_editable_files(course):
    (course.path / "solutions/ex01_first_async_view/extra.py").write_text("")
    done = course.grader("verify")
    assert done.returncode == 1
    assert "solutions/ex01_first_async_view/ holds" in " ".join(done.stdout.split())


def test_ci_outputs_are_written_from_one_run(course, tmp_path):
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    junit, gradescope = tmp_path / "junit.xml", tmp_path / "results.json"
    options = ["--junit", str(junit), "--gradescope", str(gradescope), "--classroom"]
    done = subprocess.run(
        [sys.executable, "grader", *options],
        cwd=course.solve("ex01_first_async_view").path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 1
    assert junit.read_text().count("<testcase ") >= len(EXERCISES)
    assert json.loads(gradescope.read_text())["score"] == EXERCISES[0].points
    assert (tmp_path / "output").read_text().startswith("result=")
    assert "| 01 first_async_view | passed |" in (tmp_path / "summary.md").read_text()
    assert "::error file=exercises/ex02_missing_await/views.py,line=" in done.stdout


def test_usage_errors_exit_with_status_2(course):
    assert course.grader("no-such-command").returncode == 2


def test_the_root_urls_serve_every_exercise_under_its_id():
    for exercise in EXERCISES:
        match = resolve(f"/{exercise.id}/", urlconf="course.urls")
        assert match.func.__module__ == f"{exercise.package}.views"


def test_the_root_urls_mount_a_broken_exercise_as_an_error_page(rf):
    from course.urls import mount

    broken = load_exercises(ROOT)[0]
    broken = type(broken)(**{**broken.__dict__, "folder": "ex99_missing", "id": "missing"})
    pattern = mount(broken)
    response = pattern.callback(rf.get("/missing/"))
    assert response.status_code == 500
    assert b"exercise ex99_missing could not be loaded: ModuleNotFoundError" in response.content
