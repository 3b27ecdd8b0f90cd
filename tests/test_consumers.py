"""Each output, read by the program that consumes it (issue 17).

The expectations are written here by hand from the fixture's results, never
computed by the code under test: the reporter's totals, what its console
shows per test.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from course.catalog import load_exercises
from grader.outputs import classroom_output
from grader.results import ExerciseResult, TestResult

EXERCISES = load_exercises()
CONSUMERS = Path(__file__).parent / "consumers"
# What breaks formats: newlines, \r, %, :, ",", |, <, &, quotes, control and non-BMP characters
NASTY = 'a "quoted" 50% <b>&amp;</b> | a:b,c\r\nnext line \x1b[31mred\x1b[0m \x00 😀 \\ end'
BLOCKED = "the view blocked the event loop with time.sleep() at exercises/ex02_x/views.py:18"


@pytest.fixture
def results() -> list[ExerciseResult]:
    """A pass (0.5 s), a failure on the learner's line 18, a timeout, and an error whose
    message holds every character that breaks a format."""
    passed, failed, timed_out, crashed = (ExerciseResult(e) for e in EXERCISES[:4])
    passed.tests = [
        TestResult("test_a", "passed", "", 0.25),
        TestResult("test_b", "passed", "", 0.25),
    ]
    failed.tests = [TestResult("test_a", "passed"), TestResult("test_b", "failed", BLOCKED, 1.5)]
    timed_out.tests = [TestResult("test_a", "timeout", "timed out after 2 s", 2.0)]
    crashed.problem, crashed.problem_message = "error", NASTY
    return [passed, failed, timed_out, crashed]


def test_the_classroom_reporter_totals_and_shows_every_exercise(results, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the reporter is a node program")
    line = classroom_output(results)
    assert line.startswith("result=") and line.endswith("\n")
    environment = {
        "PATH": os.environ["PATH"],
        "INPUT_RUNNERS": "awaitlings",  # the action's `runners: awaitlings`
        "AWAITLINGS_RESULTS": line.removeprefix("result=").strip(),  # steps.<id>.outputs.result
        "GITHUB_OUTPUT": str(tmp_path / "output"),
    }

    done = subprocess.run(
        [node, str(CONSUMERS / "autograding-grading-reporter/main.js")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    shown = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)  # its colours
    assert "undefined" not in shown, shown
    assert "::notice title=Autograding complete::Points 10/40" in shown, shown
    assert '{"totalPoints":10,"maxPoints":40}' in shown, shown
    assert "Grand total tests passed: 1/4" in shown, shown
    first, second = (f"{e.number:02d} {e.id} — {e.title}" for e in EXERCISES[:2])
    assert f"✅ {first}\n" in shown, shown  # no line: none is named
    assert f"❌ {second} - line 18" in shown, shown
    assert "Test code:\npython grader run 02\n" in shown, shown
    assert "Error: timed out after 2 s" in shown, shown
    assert done.returncode == 1, "the reporter fails the step when an exercise failed"


def test_the_classroom_result_decodes_to_what_the_reporter_reads(results):
    """The fields the reporter and the classroom graders use, as JSON decoded from base64."""
    document = json.loads(base64.b64decode(classroom_output(results).removeprefix("result=")))

    failed = document["tests"][1]
    assert (failed["filename"], failed["line_no"], failed["duration"]) == (
        "exercises/ex02_x/views.py",
        18,
        1500,
    )
    assert document["tests"][0]["duration"] == 500
    assert document["tests"][3]["message"] == NASTY
