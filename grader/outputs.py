"""Results for CI systems and learning platforms, from the same results the terminal shows.

- JUnit XML (GitLab, Jenkins): one `testcase` per test, classname = exercise.
- Gradescope `results.json`: one Gradescope test per exercise, because an
  exercise earns its points only when all its tests pass.
- GitHub Actions: a Markdown table for the step summary, and `::error`
  annotations on the learner's line where a failure names one.
- The classroom autograding format (`autograding-grading-reporter` reads it,
  base64-encoded, from a step output named `result`).

Every format scores with `ExerciseResult.score`, so a failure of any kind
(failed, error, timeout, tampered) scores 0.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from grader.results import ExerciseResult, TestResult, total_score

LEARNER_LINE = re.compile(r"(exercises/[\w/]+\.py):(\d+)")


def label(result: ExerciseResult) -> str:
    return f"{result.exercise.number:02d} {result.exercise.id}"


# Characters XML 1.0 cannot hold at all, even escaped (a learner's ANSI escape, a NUL)
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
JUNIT_FLAVORS = ("strict", "gitlab")


def xml_text(text: str) -> str:
    """`text` with each character XML cannot hold written as its Python escape (`\\x1b`)."""
    return NOT_IN_XML.sub(lambda found: repr(found[0])[1:-1], text)


def junit_xml(results: list[ExerciseResult], seconds: float, flavor: str = "strict") -> str:
    """JUnit XML: a `testsuite` per exercise, a `testcase` per test, and one more named
    `exercise` when the exercise as a whole could not be graded.

    "strict" keeps to the attributes Jenkins' junit-10.xsd allows on a testcase
    (`name`, `classname`, `time`); "gitlab" adds `file`, the learner's file a
    failure names, which GitLab's test report links to.
    """
    suites = ElementTree.Element("testsuites", name="awaitlings", time=f"{seconds:.3f}")
    for result in results:
        cases = list(result.tests)
        if not cases or result.problem:  # the exercise itself could not be graded
            cases.append(TestResult("exercise", result.status, result.message))
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=result.exercise.id,
            tests=str(len(cases)),
            failures=str(sum(case.status == "failed" for case in cases)),
            errors=str(sum(case.status not in ("passed", "failed") for case in cases)),
            time=f"{sum(case.seconds for case in cases):.3f}",
        )
        for test in cases:
            case = ElementTree.SubElement(
                suite, "testcase", name=test.name, classname=result.exercise.id,
                time=f"{test.seconds:.3f}",
            )  # fmt: skip
            where = LEARNER_LINE.search(test.message)
            if flavor == "gitlab" and where:
                case.set("file", where.group(1))
            message = xml_text(test.message)
            if test.status == "failed":
                ElementTree.SubElement(case, "failure", message=message).text = message
            elif test.status != "passed":
                ElementTree.SubElement(
                    case, "error", message=message, type=test.status
                ).text = message
    totals = [suite.attrib for suite in suites]
    for total in ("tests", "failures", "errors"):
        suites.set(total, str(sum(int(attributes[total]) for attributes in totals)))
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


IGNORED_SHOWN = 20  # files named in Gradescope's output, of those a submission changed


def gradescope(
    results: list[ExerciseResult], seconds: float, ignored: list[str] | tuple[str, ...] = ()
) -> dict[str, Any]:
    """Gradescope's results.json; `ignored`: files of a sealed submission it did not grade
    (changed tests, an added conftest.py), named for the teacher, who sees only this."""
    score, max_score = total_score(results)
    output = (
        f"{sum(r.status == 'passed' for r in results)}/{len(results)} exercises pass "
        f"({score}/{max_score} points). Run `python grader` for the next step."
    )
    if ignored:
        named = ", ".join(ignored[:IGNORED_SHOWN]) + (", …" if len(ignored) > IGNORED_SHOWN else "")
        output += f"\nIgnored: {len(ignored)} file(s) beyond the editable ones: {named}"
    return {
        "score": score,
        "execution_time": round(seconds, 3),
        "output": output,
        "output_format": "text",  # messages are plain text: a learner's `<b>` shows as written
        "tests": [
            {
                "name": f"{label(r)} — {r.exercise.title}",
                "score": r.score,
                "max_score": r.exercise.points,
                "status": "passed" if r.status == "passed" else "failed",
                "output": "\n".join(
                    [r.message or "All tests pass."]
                    + [f"{t.status}: {t.name}" for t in r.tests]
                    + [f"flag: {flag}" for flag in r.flags]
                ),
                "output_format": "text",
                "visibility": "visible",
            }
            for r in results
        ],
    }


def step_summary(results: list[ExerciseResult]) -> str:
    score, max_score = total_score(results)
    rows = [
        "## awaitlings",
        "",
        f"**{score}/{max_score} points**",
        "",
        "| exercise | status | points | why |",
        "|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {label(r)} | {r.status} | {r.score}/{r.exercise.points} | {_cell(r.message)} |"
        )
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    """`text` as one Markdown table cell, shown as written: a message is the learner's code's
    to write, and neither `\\|` nor `<b>` may end the cell or become markup."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.splitlines())


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


ANNOTATIONS_SHOWN = 10  # GitHub shows at most 10 `::error` annotations of a step


def annotations(results: list[ExerciseResult]) -> list[str]:
    """`::error` workflow commands, placed on the learner's line where the message names one;
    past ANNOTATIONS_SHOWN, one notice says how many more the step summary lists."""
    lines = []
    for r in results:
        if r.status == "passed":
            continue
        title = _escape(f"{label(r)}: {r.status}", prop=True)
        where = LEARNER_LINE.search(r.message)
        place = f"file={_escape(where[1], prop=True)},line={where[2]}," if where else ""
        lines.append(f"::error {place}title={title}::{_escape(r.message)}")
    if len(lines) > ANNOTATIONS_SHOWN:
        more = len(lines) - ANNOTATIONS_SHOWN
        notice = f"{more} more exercise(s) do not pass: the step summary lists every one"
        lines[ANNOTATIONS_SHOWN:] = [f"::notice title=awaitlings::{_escape(notice)}"]
    return lines


CLASSROOM_STATUS = {"passed": "pass", "failed": "fail"}


def classroom(results: list[ExerciseResult]) -> dict[str, Any]:
    """The result an autograding grader action hands to `autograding-grading-reporter`.

    Each exercise is one test, as it passes only when all of its tests do,
    with every field the classroom graders emit (`autograding-command-grader`):
    the reporter prints `line_no` unless it is 0, and `test_code` below each
    test; `duration` is in milliseconds. The reporter's "Points" notice sums
    the tests' `score`; its console table shows `max_score * passed / tests`,
    which differs from that sum only when exercises carry unequal points.
    """
    _, max_score = total_score(results)
    statuses = {r.status for r in results}
    overall = "pass" if statuses == {"passed"} else ("fail" if "failed" in statuses else "error")
    tests = []
    for r in results:
        where = LEARNER_LINE.search(r.message)
        tests.append(
            {
                "name": f"{label(r)} — {r.exercise.title}",
                "status": CLASSROOM_STATUS.get(r.status, "error"),
                "score": r.score,
                "max_score": r.exercise.points,
                "message": r.message,
                "test_code": f"python grader run {r.exercise.number:02d}",
                "filename": where.group(1) if where else "",
                "line_no": int(where.group(2)) if where else 0,
                "duration": round(sum(test.seconds for test in r.tests) * 1000),
            }
        )
    return {"version": 1, "status": overall, "max_score": max_score, "tests": tests}


def classroom_output(results: list[ExerciseResult]) -> str:
    """The `result=<base64>` line for `$GITHUB_OUTPUT`."""
    encoded = base64.b64encode(json.dumps(classroom(results)).encode()).decode()
    return f"result={encoded}\n"


class OutputError(Exception):
    """An output asked for cannot be written (found before grading, so no run is wasted)."""


def check_outputs(
    *,
    junit: str | None,
    gradescope_file: str | None,
    to_classroom: bool,
    environ: dict[str, str],
    json_file: str | None = None,
) -> None:
    """Raise OutputError unless every file asked for (`publish`'s, --json-file) can be written."""
    wanted = [("--json-file", json_file), ("--junit", junit), ("--gradescope", gradescope_file)]
    if to_classroom:
        wanted.append(("$GITHUB_OUTPUT", environ.get("GITHUB_OUTPUT")))
    if environ.get("GITHUB_ACTIONS") == "true":
        wanted.append(("$GITHUB_STEP_SUMMARY", environ.get("GITHUB_STEP_SUMMARY")))
    for what, name in wanted:
        if name is not None:
            check_writable(what, name)


def check_writable(what: str, name: str) -> None:
    """Raise OutputError unless the file `name` can be written, without changing it."""
    path = Path(name)
    if path.is_dir():
        raise OutputError(f"cannot write {what} {name!r}: it is a folder, not a file")
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {what} {name!r}: there is no folder {str(path.parent)!r}")
    existed = path.exists()
    try:
        with open(path, "a", encoding="utf-8"):  # creates it, or opens it without a change
            pass
    except OSError as error:
        raise OutputError(f"cannot write {what} {name!r}: {error.strerror}") from error
    if not existed:
        path.unlink(missing_ok=True)


def publish(
    results: list[ExerciseResult],
    seconds: float,
    *,
    junit: str | None,
    junit_flavor: str = "strict",
    gradescope_file: str | None,
    to_classroom: bool,
    stdout_is_json: bool,
    environ: dict[str, str],
    ignored: list[str] | tuple[str, ...] = (),
) -> list[str]:
    """Write every output asked for; return lines for stdout (GitHub annotations)."""
    if junit:
        Path(junit).write_text(junit_xml(results, seconds, junit_flavor), encoding="utf-8")
    if gradescope_file:
        document = json.dumps(gradescope(results, seconds, ignored), indent=2, ensure_ascii=False)
        Path(gradescope_file).write_text(document + "\n", encoding="utf-8")
    printed: list[str] = []
    if to_classroom:
        if "GITHUB_OUTPUT" in environ:
            with open(environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
                output.write(classroom_output(results))
        elif not stdout_is_json:
            printed.append(classroom_output(results).rstrip("\n"))
    if environ.get("GITHUB_ACTIONS") == "true":
        if "GITHUB_STEP_SUMMARY" in environ:
            with open(environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
                summary.write(step_summary(results))
        if not stdout_is_json:  # workflow commands are read from stdout
            printed.extend(annotations(results))
    return printed
