"""Loaded into the child pytest process: writes each result as it happens.

One JSON object per line, flushed at once, to the file named by
`AWAITLINGS_RESULTS`. A run that is killed or that kills itself (`os._exit`)
leaves every result it reached so far, and the absence of the final
`finished` line tells the grader the run did not end on its own.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

MAX_MESSAGE = 2_000
_results_file = None


def _write(record: dict[str, Any]) -> None:
    global _results_file
    if _results_file is None:
        _results_file = open(os.environ["AWAITLINGS_RESULTS"], "a", encoding="utf-8")  # noqa: SIM115
    _results_file.write(json.dumps(record) + "\n")
    _results_file.flush()


def short_message(report: pytest.CollectReport | pytest.TestReport) -> str:
    """The sentence a learner should read: our plain-words message, not a traceback."""
    longrepr = report.longrepr
    if isinstance(longrepr, str):
        text = longrepr
    elif crash := getattr(longrepr, "reprcrash", None):
        text = crash.message
    else:
        text = str(longrepr)
    text = text.removeprefix("Failed: ").removeprefix("AssertionError: ")
    text = text.split("\nassert ")[0].strip()
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " … (message truncated)"


def pytest_collection_finish(session: pytest.Session) -> None:
    _write({"event": "collected", "nodeids": [item.nodeid for item in session.items]})


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _write(
            {"event": "collect_error", "nodeid": report.nodeid, "message": short_message(report)}
        )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or report.outcome != "passed":
        message = short_message(report) if report.failed else ""
        _write(
            {
                "event": "test",
                "nodeid": report.nodeid,
                "when": report.when,
                "outcome": report.outcome,
                "message": message,
                "timeout": "Timeout" in message and "pytest-timeout" in message,
            }
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _write({"event": "finished", "exitstatus": int(exitstatus)})
