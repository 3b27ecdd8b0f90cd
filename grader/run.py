"""Run exercise tests in a child pytest process, under a hard time budget.

One process for all exercises is the fast common case: Django and pytest
start-up dominate a run, so starting them once per exercise would cost several
seconds. The child writes each result as it happens (`grader.pytest_plugin`).
If the run ends without finishing (it hung past its budget, or learner code
killed the process), the exercises it did not finish are run again, each in a
process of its own, so one exercise's hang or crash is reported as that
exercise's problem and every other exercise is still graded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from course.catalog import Exercise
from grader.results import ExerciseResult, TestResult

DEFAULT_BUDGET = 120.0  # seconds for one child process
OUTPUT_TAIL = 4_000  # characters of the child's output kept for a crash report


@dataclass
class Run:
    """What one child process reported, read back from its results file."""

    collected: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    finished: bool = False
    timed_out: bool = False
    returncode: int | None = None
    output_tail: str = ""


def exercise_of(nodeid: str) -> str:
    """`exercises/ex01_x/test_y.py::test_z` → `ex01_x`."""
    parts = nodeid.split("::")[0].split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "exercises" else ""


def run_pytest(
    root: Path, exercises: list[Exercise], budget: float, test_timeout: float | None
) -> Run:
    """Run the tests of `exercises` in one child process and read back its results."""
    with tempfile.TemporaryDirectory(prefix="awaitlings-") as scratch:
        results_path = Path(scratch) / "results.jsonl"
        output_path = Path(scratch) / "output.txt"
        command = [
            sys.executable,
            "-m",
            "pytest",
            *(f"exercises/{exercise.folder}" for exercise in exercises),
            "-p",
            "grader.pytest_plugin",
            "-q",
            "--no-header",
            "-p",
            "no:randomly",
        ]
        if test_timeout is not None:
            command += ["-o", f"timeout={test_timeout}"]
        env = {
            **os.environ,
            "AWAITLINGS_RESULTS": str(results_path),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        run = Run()
        with open(output_path, "wb") as output:
            # A session of its own: on timeout the whole process group is
            # killed, with any threads or children the learner's code started.
            child = subprocess.Popen(
                command,
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                run.returncode = child.wait(timeout=budget)
            except subprocess.TimeoutExpired:
                run.timed_out = True
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        run.output_tail = _tail(output_path)
        _read_results(results_path, run)
    return run


def _tail(path: Path) -> str:
    with open(path, "rb") as output:
        output.seek(0, os.SEEK_END)
        output.seek(max(0, output.tell() - OUTPUT_TAIL))
        return output.read().decode("utf-8", errors="replace")


def _read_results(path: Path, run: Run) -> None:
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a killed process
        if record["event"] == "collected":
            run.collected = record["nodeids"]
        elif record["event"] == "finished":
            run.finished = True
        else:
            run.records.append(record)


def collate(exercises: list[Exercise], run: Run) -> dict[str, ExerciseResult]:
    """Turn one run's records into a result per exercise."""
    results = {exercise.folder: ExerciseResult(exercise) for exercise in exercises}
    reported: set[str] = set()
    for record in run.records:
        result = results.get(exercise_of(record["nodeid"]))
        if result is None:
            continue
        if record["event"] == "collect_error":
            result.problem = "error"
            result.problem_message = f"the tests could not be collected: {record['message']}"
            continue
        reported.add(record["nodeid"])
        if record["timeout"]:
            status = "timeout"
        elif record["outcome"] == "passed":
            status = "passed"
        elif record["when"] == "call":
            status = "failed"
        else:
            status = "error"  # setup failed: the exercise's code could not even run
        name = record["nodeid"].split("::")[-1]
        _add_test(result, TestResult(name, status, record["message"]))
    if not run.finished:
        _mark_unfinished(results, run, reported)
    return results


def _add_test(result: ExerciseResult, test: TestResult) -> None:
    # A test reports its call, then its teardown: keep the worse outcome.
    for index, existing in enumerate(result.tests):
        if existing.name == test.name:
            if test.status != "passed":
                result.tests[index] = test
            return
    result.tests.append(test)


def _mark_unfinished(results: dict[str, ExerciseResult], run: Run, reported: set[str]) -> None:
    expected: dict[str, set[str]] = {}
    for nodeid in run.collected:
        expected.setdefault(exercise_of(nodeid), set()).add(nodeid)
    for folder, result in results.items():
        if result.problem or (folder in expected and expected[folder] <= reported):
            continue
        if run.timed_out:
            result.problem = "timeout"
            result.problem_message = (
                "timed out — something in the code blocks forever (the run was stopped)"
            )
        else:
            last_words = run.output_tail.strip().splitlines()[-1:] or ["(no output)"]
            result.problem = "error"
            result.problem_message = (
                f"the test process stopped before this exercise finished (exit status "
                f"{run.returncode}) — does the code call os._exit() or sys.exit()? "
                f"Its last output: {last_words[0][:300]}"
            )


def grade(
    root: Path,
    exercises: list[Exercise],
    *,
    budget: float = DEFAULT_BUDGET,
    test_timeout: float | None = None,
) -> list[ExerciseResult]:
    """Grade `exercises` in the tree at `root`; never raises for learner code."""
    if not exercises:
        return []
    run = run_pytest(root, exercises, budget, test_timeout)
    results = collate(exercises, run)
    if not run.finished and len(exercises) > 1:
        for exercise in _needing_rerun(results, run):
            alone = run_pytest(root, [exercise], budget, test_timeout)
            results[exercise.folder] = collate([exercise], alone)[exercise.folder]
    return [results[exercise.folder] for exercise in exercises]


def _needing_rerun(results: dict[str, ExerciseResult], run: Run) -> list[Exercise]:
    """Exercises the run did not finish, each to be run again on its own."""
    done = {exercise_of(r["nodeid"]) for r in run.records if r["event"] == "collect_error"}
    return [
        result.exercise
        for folder, result in results.items()
        if result.problem in ("timeout", "error") and folder not in done
    ]
