"""Bad learner code (crashes, hangs, exits, floods of output) is its own exercise's problem.

Each test grades a small copy of the course with hostile code in some
exercises: those get a clear verdict, every other exercise is still graded,
and the grader itself never hangs or crashes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from course.catalog import load_exercises
from grader.workspace import copy_course
from tests.conftest import by_id

# Each test runs the grader, which runs pytest, sometimes more than once.
pytestmark = pytest.mark.timeout(300)
EXERCISES = load_exercises()


def test_hostile_code_in_some_exercises_leaves_the_others_graded(course):
    hostile = {"missing_await", "blocking_sleep", "async_http_client", "dont_async_everything"}
    course.keep(*(e.folder for e in EXERCISES if e.id in hostile or e.number in (1, 7))).solve()
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
    others = set(exercises) - hostile
    assert others == {"first_async_view", "gather_fanout"}
    assert {exercises[name]["status"] for name in others} == {"passed"}
    assert document["score"] == sum(exercises[name]["points"] for name in others)


def test_sys_exit_and_endless_recursion_are_reported_for_their_exercise(course):
    course.keep(*(e.folder for e in EXERCISES[1:5])).solve()
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
    assert exercises["sync_view_holds_a_thread"]["status"] == "passed"
    assert code == 1


DROPS_ITS_CONCURRENCY_TEST = """
import gc

import pytest

from .views_solved import dashboard  # noqa: F401

session = next(o for o in gc.get_objects() if type(o) is pytest.Session)
session.items[:] = [i for i in session.items if "in_flight_at_once" not in i.nodeid]
"""


def test_a_collected_test_that_never_runs_is_an_error_not_a_pass(course):
    # A view that removes a pending test from pytest's session (found by an
    # attack on the grader): the other tests pass, the dropped one never reports.
    course.keep("ex07_gather_fanout").solve()
    views = course.path / "exercises/ex07_gather_fanout/views.py"
    (views.parent / "views_solved.py").write_text(views.read_text(encoding="utf-8"))
    course.write("exercises/ex07_gather_fanout/views.py", DROPS_ITS_CONCURRENCY_TEST)

    code, document = course.grade_json()

    dropped = by_id(document)["gather_fanout"]
    assert dropped["status"] == "error"
    assert "test_the_three_calls_are_in_flight_at_once never ran" in dropped["message"]
    assert code == 1


def test_noisy_and_lingering_code_is_graded_normally_and_quickly(course):
    course.keep("ex05_sync_view_holds_a_thread", "ex06_dont_async_everything").solve()
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
    # The exercises before and after the hung one must be graded all the same.
    course.keep(*(e.folder for e in EXERCISES[3:6])).solve()
    # A sync view spinning in a worker thread: no signal can stop it, and the
    # thread keeps the test process from exiting.
    course.write(
        "exercises/ex05_sync_view_holds_a_thread/views.py",
        "def forecast(request):\n    while True:\n        pass\n",
    )
    started = time.monotonic()

    # With per-test timeouts off, only the run's budget can stop it. The budget
    # also bounds the re-run of the exercise after the hung one, so it must
    # leave it room on a loaded machine.
    code, document = course.grade_json("--budget", "8", "--test-timeout", "0")

    assert time.monotonic() - started < 40
    exercises = by_id(document)
    hung = exercises.pop("sync_view_holds_a_thread")
    assert hung["status"] == "timeout"
    assert {name: e["status"] for name, e in exercises.items()} == {
        "async_http_client": "passed",
        "dont_async_everything": "passed",
    }
    assert code == 1


def test_a_models_py_that_does_not_import_fails_only_its_own_exercise(course):
    # Django imports every app's models at start-up: one broken file must not
    # stop the others. Edited models are protected (tampered), and the others run.
    course.keep("ex01_first_async_view", "ex13_async_orm").solve()
    course.write("exercises/ex13_async_orm/models.py", "class Product(models.Model:\n")

    code, document = course.grade_json()
    alone = subprocess.run(
        [sys.executable, "-m", "pytest", "exercises/ex13_async_orm", "-q"],
        cwd=course.path,
        capture_output=True,
        text=True,
    )

    exercises = by_id(document)
    assert exercises["first_async_view"]["status"] == "passed"
    assert exercises["async_orm"]["status"] == "tampered"
    assert code == 1
    assert "exercises/ex13_async_orm/models.py:1 has a syntax error" in alone.stdout


def order_status(imports: str, body: str) -> str:
    return f"{imports}\n\n\nasync def order_status(request):\n{body}"


CRASHES = sys.version_info < (3, 12)  # later versions guard C recursion with a RecursionError
ENDS_THE_SESSION = {
    "pytest.exit": (
        order_status("import pytest", "    pytest.exit('bye')\n"),
        "error",
        "ended the test session (pytest.exit)",
    ),
    "pytest.exit(returncode=0)": (
        order_status("import pytest", "    pytest.exit('done', returncode=0)\n"),
        "error",
        "ended the test session (pytest.exit)",
    ),
    "session.shouldfail": (
        order_status(
            "import gc\n\nimport pytest\n\n"
            "session = next(o for o in gc.get_objects() if type(o) is pytest.Session)\n"
            "session.shouldfail = 'enough'",
            "    from django.http import HttpResponse\n\n    return HttpResponse('ready')\n",
        ),
        "error",
        "stopped the test session",
    ),
    "deep recursion, limit raised": (
        # Each repr() recurses through C: a stack overflow long before 10**7 frames.
        order_status(
            "import sys",
            "    sys.setrecursionlimit(10**7)\n\n"
            "    class Deep:\n        def __repr__(self):\n            return repr(self)\n\n"
            "    return repr(Deep())\n",
        ),
        "error" if CRASHES else "failed",
        "the test process crashed (SIGSEGV: a stack overflow?)" if CRASHES else "RecursionError",
    ),
    "a crash": (
        order_status("import os\nimport signal", "    os.kill(os.getpid(), signal.SIGSEGV)\n"),
        "error",
        "the test process crashed (SIGSEGV: a stack overflow?)",
    ),
}


@pytest.mark.parametrize("case", ENDS_THE_SESSION)
def test_a_view_that_ends_the_session_is_blamed_and_the_others_are_graded(course, case):
    # The session ends (or dies) in the middle of exercise 03: a `finished` line
    # then must not pass for a complete run, and exercise 04 runs after it.
    source, status, message = ENDS_THE_SESSION[case]
    course.keep("ex01_first_async_view", "ex03_blocking_sleep", "ex04_async_http_client").solve()
    course.write("exercises/ex03_blocking_sleep/views.py", source)

    code, document = course.grade_json()

    exercises = by_id(document)
    hostile = exercises.pop("blocking_sleep")
    assert (hostile["status"], message in hostile["message"]) == (status, True), hostile
    assert {name: e["status"] for name, e in exercises.items()} == {
        "first_async_view": "passed",
        "async_http_client": "passed",
    }
    assert document["score"] == sum(e["points"] for e in exercises.values())
    assert code == 1


@pytest.mark.parametrize("target", ["/nonexistent/views.py", "/dev/zero", "test_blocking_sleep.py"])
def test_an_editable_file_that_is_a_link_is_refused_in_one_line(course, tmp_path, target):
    # Dangling, a device that never ends, a protected file: none is ever read.
    course.keep("ex01_first_async_view", "ex03_blocking_sleep").solve()
    views = course.path / "exercises/ex03_blocking_sleep/views.py"
    views.unlink()
    views.symlink_to(target)

    code, document = course.grade_json()
    copy = copy_course(course.path, tmp_path / "copy")  # as verify and the tests copy a course

    exercises = by_id(document)
    assert exercises["blocking_sleep"]["status"] == "error"
    assert exercises["blocking_sleep"]["message"].startswith(
        "views.py is a symbolic link; the grader reads only regular files"
    )
    assert "\n" not in exercises["blocking_sleep"]["message"]
    assert exercises["first_async_view"]["status"] == "passed"
    assert code == 1
    assert os.readlink(copy / "exercises/ex03_blocking_sleep/views.py") == target
