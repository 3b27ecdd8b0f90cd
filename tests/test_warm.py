"""The warm worker (`grader.worker`) grades as a fresh process would, and dies alone.

Each test grades a small copy of the course through one worker, as `watch`
does: a verdict must be the plain way's, a learner's file changed between runs
must be seen by the next, a learner's crash or hang must cost only its run,
and a worker that is gone must leave the grading to the plain way.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import pytest

from course.catalog import ROOT, load_exercises
from grader.results import ExerciseResult
from grader.run import PYTEST_OPTIONS, grade, warm_worker
from grader.warm import WarmWorker

pytestmark = pytest.mark.timeout(300)
FIRST = "ex01_first_async_view"
VIEWS = f"exercises/{FIRST}/views.py"
SOLVED = (ROOT / "solutions" / FIRST / "views.py").read_text(encoding="utf-8")


def verdicts(results: list[ExerciseResult]) -> list[tuple]:
    """What a learner reads of `results`: each exercise's status and message, each test's."""
    return [
        (
            r.exercise.folder,
            r.status,
            r.message,
            [(t.name, t.status, t.message) for t in r.tests],
        )
        for r in results
    ]


def grade_warm(worker: WarmWorker, root: Path, **limits: float) -> list[ExerciseResult]:
    """Grade every exercise of `root` through `worker`, which must have served the run."""
    served = worker.served
    results = grade(root, load_exercises(root), worker=worker, **limits)
    assert worker.served > served, "the worker did not serve this run"
    return results


def open_descriptors(pid: int) -> list[str]:
    """What the process's file descriptors are open on, sorted (a leaked pipe is new)."""
    found = []
    for descriptor in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(FileNotFoundError):  # the listing's own, closed by now
            found.append(os.readlink(f"/proc/{pid}/fd/{descriptor}"))
    return sorted(found)


def children(pid: int) -> list[str]:
    tasks = Path(f"/proc/{pid}/task")
    return [child for task in tasks.iterdir() for child in (task / "children").read_text().split()]


def test_a_warm_run_grades_as_a_plain_run_does(course):
    course.keep(FIRST, "ex02_missing_await", "ex13_async_orm").solve("ex02_missing_await")
    exercises = course.exercises()

    plain = grade(course.path, exercises)
    with warm_worker(course.path) as worker:
        warm = grade_warm(worker, course.path)

    assert verdicts(warm) == verdicts(plain)
    assert [r.status for r in warm] == ["failed", "passed", "failed"]


def test_a_file_the_learner_saved_between_runs_is_graded_as_saved(course):
    course.keep(FIRST)
    shipped = (course.path / VIEWS).read_text(encoding="utf-8")
    with warm_worker(course.path) as worker:
        statuses = []
        for views in (shipped, SOLVED, shipped, "async def forecast(request:\n"):
            course.write(VIEWS, views)
            [result] = grade_warm(worker, course.path)
            statuses.append(result.status)

    assert statuses == ["failed", "passed", "failed", "error"]
    assert "views.py:1 has a syntax error" in result.message


def test_a_crash_or_a_hang_costs_only_its_own_run(course):
    course.keep(FIRST)
    with warm_worker(course.path) as worker:
        course.write(VIEWS, "import os\n\nos._exit(3)\n")
        [crashed] = grade_warm(worker, course.path)
        course.write(VIEWS, "async def forecast(request):\n    while True:\n        pass\n")
        # With per-test timeouts off, only the run's budget stops it.
        [hung] = grade_warm(worker, course.path, budget=5, test_timeout=0)
        course.write(VIEWS, SOLVED)
        [solved] = grade_warm(worker, course.path)

    assert crashed.status == "error"
    assert "stopped before this exercise finished (exit status 3)" in crashed.message
    assert hung.status == "timeout"
    assert solved.status == "passed"


def test_a_worker_that_died_leaves_the_run_to_the_plain_way(course):
    course.keep(FIRST).solve()
    with warm_worker(course.path) as worker:
        [first] = grade_warm(worker, course.path)
        os.kill(worker.pid, signal.SIGKILL)
        served = worker.served

        [alone] = grade(course.path, course.exercises(), worker=worker)  # the plain way
        [later] = grade_warm(worker, course.path)  # a worker started again meanwhile

    assert worker.served == served + 1
    assert first.status == alone.status == later.status == "passed"


def test_a_worker_serves_only_its_course_and_environment(course, tmp_path, monkeypatch):
    course.keep(FIRST)
    with warm_worker(course.path) as worker:
        assert worker.serves(course.path, dict(os.environ))
        assert not worker.serves(tmp_path, dict(os.environ))
        monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.sqlite3")
        [result] = grade(course.path, course.exercises(), worker=worker)

    assert worker.served == 0
    assert result.status == "failed"


def test_runs_leave_no_descriptor_and_no_process_behind(course):
    course.keep(FIRST)
    views = {
        "failing": (course.path / VIEWS).read_text(encoding="utf-8"),
        "passing": SOLVED,
        "crashing": "import os\n\nos._exit(3)\n",
        "printing": SOLVED + "\nprint('x' * 1_000_000)\n",
    }
    with warm_worker(course.path) as worker:
        grade_warm(worker, course.path)
        ours, theirs = open_descriptors(os.getpid()), open_descriptors(worker.pid)
        for _ in range(3):
            for text in views.values():
                course.write(VIEWS, text)
                grade_warm(worker, course.path)

        assert open_descriptors(os.getpid()) == ours
        assert open_descriptors(worker.pid) == theirs
        assert children(worker.pid) == []


def test_a_run_still_going_when_the_grader_stops_is_ended_with_the_worker(course, tmp_path):
    # Ctrl-C in the middle of a watch's run: closing the worker ends the run's session.
    course.keep(FIRST)
    course.write(VIEWS, "async def forecast(request):\n    while True:\n        pass\n")
    results = tmp_path / "results.jsonl"
    environment = {**os.environ, "AWAITLINGS_RESULTS": str(results)}
    with warm_worker(course.path) as worker:
        child = worker.start(
            course.path, [f"exercises/{FIRST}", *PYTEST_OPTIONS, "-o", "timeout=0"], environment
        )
        assert child is not None
        child.stdout.close()

    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)
