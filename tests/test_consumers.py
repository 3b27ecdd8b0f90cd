"""Each output, read by the program that consumes it (issue 17).

The expectations are written here by hand from the fixture's results, never
computed by the code under test: the reporter's totals, what its console
shows per test, the counts of a JUnit file and what GitLab makes of it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from markdown_it import MarkdownIt

from course.catalog import ROOT, load_exercises
from grader.outputs import annotations, classroom_output, gradescope, junit_xml, step_summary
from grader.report import as_json
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


# JUnit XML: Jenkins' schema, GitLab's parser


def test_strict_junit_validates_against_jenkins_schema(results):
    schema = etree.XMLSchema(etree.parse(str(CONSUMERS / "jenkins-junit/junit-10.xsd")))

    document = etree.fromstring(junit_xml(results, 3.25).encode())  # lxml's strict parser

    assert schema.validate(document), schema.error_log


def test_junit_counts_times_and_keeps_every_message_readable(results):
    root = etree.fromstring(junit_xml(results, 3.25).encode())
    suites = root.findall("testsuite")

    counted = [(s.get("tests"), s.get("failures"), s.get("errors"), s.get("time")) for s in suites]
    assert counted == [
        ("2", "0", "0", "0.500"),
        ("2", "1", "0", "1.500"),
        ("1", "0", "1", "2.000"),
        ("1", "0", "1", "0.000"),  # no tests: the exercise's own testcase, an error
    ]
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "1", "2")
    assert [case.get("time") for case in suites[1]] == ["0.000", "1.500"]
    crashed = suites[3].find("testcase/error")
    expected = NASTY.replace("\x1b", "\\x1b").replace("\x00", "\\x00")
    assert crashed.get("message") == expected
    assert crashed.text == expected.replace("\r\n", "\n")  # XML reads a line end as \n


def gitlab_test_cases(xml: bytes) -> list[dict]:
    """The test cases GitLab makes of a JUnit report, as its parser does
    (gitlabhq `lib/gitlab/ci/parsers/test/junit.rb`): every testcase of each
    testsuite under the one `testsuites`, its status from a `failure`, `error`
    or `skipped` child, and its `classname`, `name`, `file` and `time`."""
    cases = []
    for suite in etree.fromstring(xml).iter("testsuite"):
        for case in suite.findall("testcase"):
            if case.find("failure") is not None:
                status = "failed"
            elif case.find("error") is not None:
                status = "error"
            elif case.find("skipped") is not None:
                status = "skipped"
            else:
                status = "success"
            attributes = {key: case.get(key) for key in ("classname", "name", "file", "time")}
            cases.append({"suite": suite.get("name"), "status": status, **attributes})
    return cases


def test_gitlab_reads_each_test_with_its_status_time_and_the_learners_file(results):
    cases = gitlab_test_cases(junit_xml(results, 3.25, "gitlab").encode())

    first, second, third, fourth = (e.id for e in EXERCISES[:4])
    assert [(c["suite"], c["name"], c["status"]) for c in cases] == [
        (first, "test_a", "success"),
        (first, "test_b", "success"),
        (second, "test_a", "success"),
        (second, "test_b", "failed"),
        (third, "test_a", "error"),
        (fourth, "exercise", "error"),
    ]
    assert cases[3]["file"] == "exercises/ex02_x/views.py"
    assert [c["file"] for c in cases if c is not cases[3]] == [None] * 5
    assert cases[3]["time"] == "1.500" and cases[3]["classname"] == second


# GitHub: workflow commands and the step summary


def runner_reads(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as GitHub's runner parses it (actions/runner,
    `ActionCommand.TryParseV2`): `::name k=v,k=v::data`, each property and the
    data unescaped, `%25` last so that an escaped escape stays one."""

    def unescape(text: str, prop: bool) -> str:
        text = text.replace("%0D", "\r").replace("%0A", "\n")
        if prop:
            text = text.replace("%3A", ":").replace("%2C", ",")
        return text.replace("%25", "%")

    assert line.startswith("::") and "\n" not in line and "\r" not in line, line
    head, data = line[2:].split("::", 1)
    name, _, listed = head.partition(" ")
    properties = {}
    for pair in filter(None, listed.split(",")):
        key, value = pair.split("=", 1)
        properties[key] = unescape(value, prop=True)
    return name, properties, unescape(data, prop=False)


def test_an_annotation_reaches_github_as_written(results):
    results[1].tests[1].message = f"{NASTY} at exercises/ex02_x/views.py:18"

    commands = [runner_reads(line) for line in annotations(results)]

    second = f"{EXERCISES[1].number:02d} {EXERCISES[1].id}"
    assert commands[0] == (
        "error",
        {"file": "exercises/ex02_x/views.py", "line": "18", "title": f"{second}: failed"},
        f"{NASTY} at exercises/ex02_x/views.py:18",
    )
    assert commands[2][2] == NASTY


def test_past_ten_annotations_a_notice_says_how_many_more(results):
    failing = [ExerciseResult(e, [TestResult("test_a", "failed", "wrong")]) for e in EXERCISES]

    commands = [runner_reads(line) for line in annotations(failing)]

    assert [name for name, _, _ in commands] == ["error"] * 10 + ["notice"]
    assert commands[-1][2].startswith(f"{len(EXERCISES) - 10} more exercise(s) do not pass")


def test_the_step_summary_renders_one_row_per_exercise_with_messages_as_written(results):
    results[3].problem_message = NASTY + " \\| <script>x</script>"

    html = MarkdownIt("commonmark").enable("table").render(step_summary(results))  # as GFM

    table = etree.fromstring(html[html.index("<table>") :], etree.HTMLParser())
    rows = table.findall(".//tbody/tr")
    assert [len(row.findall("td")) for row in rows] == [4] * 4
    why = "".join(rows[3].findall("td")[3].itertext())
    written = " ".join((NASTY + " \\| <script>x</script>").splitlines())
    assert why == written.replace("\x00", "\ufffd")  # CommonMark shows a NUL so


# JSON: Gradescope's documented format, and our own schema


def test_gradescope_results_keep_to_the_documented_format(results):
    schema = json.loads((CONSUMERS / "gradescope/results.schema.json").read_text())

    document = json.loads(json.dumps(gradescope(results, 3.25)))

    jsonschema.validate(document, schema)
    assert document["execution_time"] == 3.25
    assert [test["status"] for test in document["tests"]] == [
        "passed",
        "failed",
        "failed",
        "failed",
    ]
    assert document["output_format"] == "text"


RESULTS_SCHEMA = json.loads((ROOT / "grader/results.schema.json").read_text(encoding="utf-8"))


def test_the_json_output_keeps_to_the_schema_the_grader_ships(results):
    jsonschema.Draft202012Validator.check_schema(RESULTS_SCHEMA)
    sealed = {"mode": "sealed", "submission": "/x", "confinement": "as nobody", "ignored": []}
    results[0].outside, results[0].flags = "", ["views.py:3 imports ctypes"]

    for document in (as_json(results), as_json(results, sealed)):
        jsonschema.validate(json.loads(document), RESULTS_SCHEMA)


def test_the_schema_refuses_what_the_grader_never_writes(results):
    document = json.loads(as_json(results))
    document["exercises"][1]["tests"][0]["status"] = "tampered"  # an exercise's status only

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, RESULTS_SCHEMA)
