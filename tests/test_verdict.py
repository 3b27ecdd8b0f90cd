"""The verdict, fed made-up records: what the grader decides from what a run reported.

End-to-end tests grade real runs, but a real run rarely produces the odd
cases a verdict must get right: a test whose call passed and whose teardown
failed, an exercise none of whose tests reported, an error beside a failure, a
timeout after some passes. Here each is written by hand, as the plugin writes
records (`grader/pytest_plugin.py`), and the expected verdict is written out,
never computed by the code under test. One end-to-end test then shows that the
plugin does write such records for what pytest reports.
"""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from course.catalog import ROOT, Exercise, load_exercises
from grader.report import show_next
from grader.results import ExerciseResult, TestResult
from grader.run import MAX_RESULTS, Run, _read_results, collate, complete, grade
from grader.verify import judge
from grader.workspace import copy_course

EXERCISES = load_exercises(ROOT)
FIRST, SECOND, THIRD = EXERCISES[:3]


def nodeid(exercise: Exercise, test: str) -> str:
    return f"exercises/{exercise.folder}/test_{exercise.id}.py::{test}"


def record(exercise: Exercise, test: str, when: str = "call", outcome: str = "passed", **more):
    return {
        "event": "test",
        "nodeid": nodeid(exercise, test),
        "when": when,
        "outcome": outcome,
        "message": more.pop("message", "" if outcome == "passed" else f"{test} {outcome}"),
        "timeout": more.pop("timeout", False),
        "xfail": more.pop("xfail", False),
    }


def finished_run(collected: list[str], *records: dict) -> Run:
    return Run(collected=collected, records=list(records), finished=True, returncode=1)


def one(exercise: Exercise, *records: dict, collected: list[str] | None = None) -> ExerciseResult:
    """The verdict on `exercise` of a finished run that reported `records`."""
    names = collected if collected is not None else sorted({r["nodeid"] for r in records})
    return collate([exercise], finished_run(names, *records))[exercise.folder]


# The status of an exercise from its tests' records


def test_a_call_that_passed_and_a_teardown_that_failed_is_an_error():
    result = one(
        FIRST,
        record(FIRST, "test_a"),
        record(FIRST, "test_a", when="teardown", outcome="failed", message="teardown broke"),
    )

    assert (result.status, result.score, result.message) == ("error", 0, "teardown broke")


def test_a_test_takes_the_time_of_its_last_record_and_forged_times_count_for_nothing():
    result = one(
        FIRST,
        {**record(FIRST, "test_a"), "seconds": 1.5},
        {**record(FIRST, "test_a", when="teardown", outcome="failed"), "seconds": 2.25},
        {**record(FIRST, "test_b"), "seconds": 1e309},  # infinity, as json.loads reads it
        {**record(FIRST, "test_c"), "seconds": "long"},
        {**record(FIRST, "test_d"), "seconds": -3},
    )

    assert [test.seconds for test in result.tests] == [2.25, 0.0, 0.0, 0.0]


def test_a_setup_that_failed_is_an_error_not_a_failure():
    result = one(FIRST, record(FIRST, "test_a", when="setup", outcome="failed"))

    assert result.status == "error"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["passed", "passed"], "passed"),
        (["passed", "failed"], "failed"),
        (["failed", "passed"], "failed"),
        (["error", "failed"], "error"),
        (["failed", "error"], "error"),
        (["passed", "timeout"], "timeout"),
        (["timeout", "failed", "passed"], "timeout"),
        (["tampered", "passed"], "tampered"),
    ],
)
def test_the_most_serious_status_of_its_tests_is_the_exercises(statuses, expected):
    result = ExerciseResult(FIRST, [TestResult(f"t{i}", s) for i, s in enumerate(statuses)])

    assert result.status == expected
    assert result.score == (FIRST.points if expected == "passed" else 0)


@pytest.mark.parametrize("status", ["failed", "error", "timeout", "tampered"])
def test_only_a_pass_scores(status):
    assert ExerciseResult(FIRST, [TestResult("t", status)]).score == 0
    assert ExerciseResult(FIRST, problem=status).score == 0  # type: ignore[arg-type]


def test_an_exercise_with_no_tests_is_an_error_and_scores_nothing():
    result = ExerciseResult(FIRST)

    assert (result.status, result.score, result.message) == (
        "error",
        0,
        "no tests ran for this exercise",
    )


def test_an_exercise_none_of_whose_tests_reported_is_an_error():
    result = one(FIRST, record(SECOND, "test_b"), collected=[])

    assert (result.status, result.score) == ("error", 0)


def test_a_timeout_after_some_passes_is_a_timeout():
    result = one(
        FIRST,
        record(FIRST, "test_a"),
        record(FIRST, "test_b", outcome="failed", timeout=True, message="timed out after 10 s"),
    )

    assert (result.status, result.score, result.message) == ("timeout", 0, "timed out after 10 s")


@pytest.mark.parametrize(
    "marked",
    [
        {"outcome": "skipped"},
        {"outcome": "skipped", "xfail": True},  # an expected failure that failed
        {"outcome": "passed", "xfail": True},  # xfail(strict=False) that passed
    ],
    ids=["skipped", "xfailed", "xpassed"],
)
def test_a_skipped_or_xfail_test_is_tampered(marked):
    result = one(FIRST, record(FIRST, "test_a"), record(FIRST, "test_b", **marked))

    assert (result.status, result.score) == ("tampered", 0)
    assert "test_b was skipped or marked xfail" in result.message


def test_a_collection_error_is_an_error():
    error = {"event": "collect_error", "nodeid": nodeid(FIRST, "x"), "message": "SyntaxError"}
    result = one(FIRST, error, record(FIRST, "test_a"))

    assert result.status == "error"
    assert "could not be collected: SyntaxError" in result.message


def test_a_collected_test_that_never_reported_in_a_finished_run_is_an_error():
    collected = [nodeid(FIRST, "test_a"), nodeid(FIRST, "test_b")]

    result = one(FIRST, record(FIRST, "test_a"), collected=collected)

    assert (result.status, result.score) == ("error", 0)
    assert "test_b never ran" in result.message


def test_complete_needs_every_collected_test_and_at_least_one():
    run = finished_run([nodeid(FIRST, "test_a"), nodeid(FIRST, "test_b")])
    half = ExerciseResult(FIRST, [TestResult("test_a", "passed")])
    whole = ExerciseResult(FIRST, [TestResult("test_a", "passed"), TestResult("test_b", "failed")])

    assert not complete(half, run)
    assert complete(whole, run)
    assert not complete(ExerciseResult(FIRST), finished_run([])), "nothing collected: not done"
    assert complete(ExerciseResult(FIRST, problem="timeout"), finished_run([])), "blamed: done"


# Reading the results file: only the plugin's records, in the plugin's order


def lines(*records: dict) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def finished(**more) -> dict:
    return {"event": "finished", "exitstatus": 0, "running": "", "ended_by": "", **more}


def test_records_after_the_end_of_the_session_spoil_every_result():
    run = Run()
    _read_results(lines(record(FIRST, "test_a"), finished(), record(SECOND, "test_b")), run)

    results = collate([FIRST, SECOND], run)

    assert run.out_of_order
    assert {r.status for r in results.values()} == {"error"}


def test_a_results_file_past_the_limit_is_not_read():
    run = Run()
    padding = b" " * MAX_RESULTS
    _read_results(lines(record(FIRST, "test_a"), finished()) + padding, run)

    assert run.out_of_order and run.records == []


@pytest.mark.parametrize("ended_by", ["pytest.exit", "interrupt", "shouldstop"])
def test_a_session_that_learner_code_ended_is_not_finished(ended_by):
    run = Run()
    _read_results(lines(record(FIRST, "test_a"), finished(ended_by=ended_by)), run)

    assert not run.finished


def test_a_session_that_ended_while_a_test_ran_is_not_finished():
    run = Run()
    _read_results(lines(finished(running=nodeid(FIRST, "test_a"))), run)

    assert not run.finished and run.last_started == nodeid(FIRST, "test_a")


# verify's judgement: failing tests as shipped, passing tests solved; nothing else


@pytest.mark.parametrize("status", ["passed", "error", "timeout", "tampered"])
def test_verify_refuses_a_shipped_exercise_that_does_not_fail_by_failing_tests(status):
    shipped = ExerciseResult(FIRST, [TestResult("test_a", status, "why")])  # type: ignore[arg-type]
    solved = ExerciseResult(FIRST, [TestResult("test_a", "passed")])

    [problem] = judge([shipped], [solved])

    assert problem.startswith(f"{FIRST.folder}: as shipped it should fail by failing tests")
    assert f"but it is {status}" in problem


@pytest.mark.parametrize("status", ["failed", "error", "timeout", "tampered"])
def test_verify_refuses_a_solution_that_does_not_pass(status):
    shipped = ExerciseResult(FIRST, [TestResult("test_a", "failed", "why")])
    solved = ExerciseResult(FIRST, [TestResult("test_a", status, "why")])  # type: ignore[arg-type]

    [problem] = judge([shipped], [solved])

    assert problem.startswith(f"{FIRST.folder}: with its solution it should pass")


def test_verify_accepts_failing_as_shipped_and_passing_solved():
    shipped = ExerciseResult(FIRST, [TestResult("a", "passed"), TestResult("b", "failed", "w")])
    solved = ExerciseResult(FIRST, [TestResult("a", "passed"), TestResult("b", "passed")])

    assert judge([shipped], [solved]) == []


# The progress screen's "Next:": the first exercise that does not pass, whatever its status


def next_shown(results: list[ExerciseResult]) -> str:
    out = io.StringIO()
    show_next(Console(file=out, width=200, color_system=None), results, "hint")
    return out.getvalue()


@pytest.mark.parametrize("status", ["failed", "error", "timeout", "tampered"])
def test_next_is_the_first_exercise_that_does_not_pass(status):
    results = [
        ExerciseResult(FIRST, [TestResult("a", "passed")]),
        ExerciseResult(SECOND, [TestResult("b", status, "it broke")]),  # type: ignore[arg-type]
        ExerciseResult(THIRD, [TestResult("c", "failed", "not yet")]),
    ]

    shown = next_shown(results)

    assert f"Next: {SECOND.number:02d} {SECOND.id}" in shown
    assert "Every exercise passes" not in shown


def test_every_exercise_passes_only_when_each_passes():
    results = [ExerciseResult(e, [TestResult("a", "passed")]) for e in (FIRST, SECOND)]

    assert "Every exercise passes" in next_shown(results)
    assert "Every exercise passes" not in next_shown([*results, ExerciseResult(THIRD)])


# End to end: the plugin reports to the grader what pytest reports

TEARDOWN_FAILS = """
import pytest


@pytest.fixture
def breaks_after():
    yield
    raise RuntimeError("the fixture's teardown broke")


def test_passes_then_its_teardown_fails(breaks_after):
    pass
"""
SETUP_FAILS = """
import pytest


@pytest.fixture
def breaks_before():
    raise RuntimeError("the fixture's setup broke")


def test_never_called(breaks_before):
    pass
"""
# An xfail test that passes ("xpassed") is reported by pytest as passed: only the mark tells.
UNEXPECTED_PASS = """
import pytest


@pytest.mark.xfail(reason="later")
def test_marked_to_fail_but_passes():
    pass
"""


def test_the_plugin_reports_setup_teardown_and_xfail_as_pytest_does(tmp_path):
    tree = copy_course(ROOT, tmp_path / "course")
    exercises = load_exercises(tree)[:3]
    for exercise, source in zip(
        exercises, (TEARDOWN_FAILS, SETUP_FAILS, UNEXPECTED_PASS), strict=True
    ):
        for old in exercise.path.glob("test_*.py"):
            old.unlink()
        (exercise.path / f"test_{exercise.id}.py").write_text(source, encoding="utf-8")

    teardown, setup, xfail = grade(tree, exercises, test_timeout=60)

    assert (teardown.status, setup.status, xfail.status) == ("error", "error", "tampered")
    assert teardown.tests[0].seconds > 0, "the plugin reports how long a test took"
    assert "teardown broke" in teardown.message
    assert "setup broke" in setup.message
