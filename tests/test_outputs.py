"""Outputs for CI and learning platforms, from one set of results."""

from __future__ import annotations

import base64
import json
from xml.etree import ElementTree

import pytest

from course.catalog import load_exercises
from grader.outputs import annotations, classroom, gradescope, junit_xml, publish, step_summary
from grader.results import ExerciseResult, TestResult

EXERCISES = load_exercises()
BLOCKED = "the view blocked the event loop with time.sleep() at exercises/ex03_x/views.py:18"


@pytest.fixture
def results() -> list[ExerciseResult]:
    passed, failed, timed_out, crashed = (ExerciseResult(e) for e in EXERCISES[:4])
    passed.tests = [TestResult("test_a", "passed"), TestResult("test_b", "passed")]
    failed.tests = [TestResult("test_a", "passed"), TestResult("test_b", "failed", BLOCKED)]
    timed_out.tests = [TestResult("test_a", "timeout", "timed out after 2 s")]
    crashed.problem, crashed.problem_message = "error", "the test process stopped"
    return [passed, failed, timed_out, crashed]


def test_junit_has_one_testcase_per_test_with_the_exercise_as_classname(results):
    root = ElementTree.fromstring(junit_xml(results, 1.5))
    cases = root.findall(".//testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases[:4]] == [
        (EXERCISES[0].id, "test_a"),
        (EXERCISES[0].id, "test_b"),
        (EXERCISES[1].id, "test_a"),
        (EXERCISES[1].id, "test_b"),
    ]
    assert cases[3].find("failure").get("message") == BLOCKED
    assert cases[4].find("error").get("type") == "timeout"
    assert cases[5].get("name") == "exercise" and cases[5].find("error") is not None


def test_gradescope_scores_an_exercise_only_when_all_its_tests_pass(results):
    document = gradescope(results, 2.0)
    assert document["score"] == EXERCISES[0].points
    assert [t["score"] for t in document["tests"]] == [EXERCISES[0].points, 0, 0, 0]
    assert [t["status"] for t in document["tests"]] == ["passed", "failed", "failed", "failed"]
    assert BLOCKED in document["tests"][1]["output"]
    assert {t["visibility"] for t in document["tests"]} == {"visible"}
    assert {"score", "execution_time", "output", "tests"} <= set(document)


def test_gradescope_shows_the_teacher_what_a_sealed_grade_ignored_and_flagged(results):
    results[1].flags = ["views.py:3 reaches for the grader's results"]

    document = gradescope(results, 2.0, ignored=["exercises/ex02_x/test_x.py", "conftest.py"])

    assert "Ignored: 2 file(s)" in document["output"]
    assert "exercises/ex02_x/test_x.py, conftest.py" in document["output"]
    assert "flag: views.py:3 reaches for the grader's results" in document["tests"][1]["output"]
    assert "flag:" not in document["tests"][0]["output"]


def test_classroom_result_scores_every_failure_path_zero(results):
    document = classroom(results)
    assert document["version"] == 1 and document["status"] == "fail"
    assert document["max_score"] == sum(e.points for e in EXERCISES[:4])
    assert [(t["status"], t["score"]) for t in document["tests"]] == [
        ("pass", EXERCISES[0].points),
        ("fail", 0),
        ("error", 0),
        ("error", 0),
    ]


def test_annotations_point_at_the_learners_line(results):
    lines = annotations(results)
    assert lines[0].startswith("::error file=exercises/ex03_x/views.py,line=18,title=")
    assert len(lines) == 3, "one annotation per exercise that does not pass"
    assert all("\n" not in line for line in lines)


def test_step_summary_is_a_markdown_table(results):
    summary = step_summary(results)
    assert "| exercise | status | points | why |" in summary
    assert f"| 01 {EXERCISES[0].id} | passed |" in summary


def test_a_message_cannot_add_cells_to_the_step_summary(results):
    # red team, issue 14: a message is the learner's code's, and `\|` escaped only the pipe
    results[1].problem_message = "a | b \\| c \\\\| d\nnext"
    row = next(line for line in step_summary(results).splitlines() if "a \\|" in line)
    unescaped = row.replace("\\\\", "").replace("\\|", "")
    assert unescaped.count("|") == 5, row


def test_publish_writes_each_file_and_the_github_outputs(results, tmp_path):
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    printed = publish(
        results,
        1.0,
        junit=str(tmp_path / "junit.xml"),
        gradescope_file=str(tmp_path / "results.json"),
        to_classroom=True,
        stdout_is_json=False,
        environ=env,
    )
    ElementTree.parse(tmp_path / "junit.xml")
    assert json.loads((tmp_path / "results.json").read_text())["score"] == EXERCISES[0].points
    name, encoded = (tmp_path / "output").read_text().strip().split("=", 1)
    assert name == "result"
    assert json.loads(base64.b64decode(encoded)) == classroom(results)
    assert "| exercise |" in (tmp_path / "summary.md").read_text()
    assert printed == annotations(results)


def test_json_mode_keeps_stdout_for_the_json_document(results):
    env = {"GITHUB_ACTIONS": "true"}
    printed = publish(
        results,
        1.0,
        junit=None,
        gradescope_file=None,
        to_classroom=True,
        stdout_is_json=True,
        environ=env,
    )
    assert printed == []


def test_annotations_escape_as_the_runner_unescapes():
    # GitHub's runner reads `%25` as `%`, `%0D` as `\r`, `%0A` as `\n` in a command's data, and
    # in a property (the title) `%3A` as `:` and `%2C` as `,` too; `%` first, or `\n` would
    # show as `%0A`. Written out here by hand: toolkit/packages/core/src/command.ts.
    result = ExerciseResult(EXERCISES[1], [TestResult("test_a", "failed", "50% done\r\nnext")])

    [line] = annotations([result])

    title = f"{EXERCISES[1].number:02d} {EXERCISES[1].id}%3A failed"
    assert line == f"::error title={title}::50%25 done%0D%0Anext"


def test_an_exercise_problem_beside_its_tests_is_its_own_junit_error():
    # A run that timed out after some tests passed: the passes alone would look green.
    result = ExerciseResult(EXERCISES[0], [TestResult("test_a", "passed")])
    result.problem, result.problem_message = "timeout", "timed out — something blocks forever"

    root = ElementTree.fromstring(junit_xml([result], 1.0))

    errors = [case.find("error") for case in root.iter("testcase")]
    assert [e.get("type") for e in errors if e is not None] == ["timeout"]
