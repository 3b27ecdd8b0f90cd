"""Loaded into the child pytest process: writes each result as it happens.

One JSON object per line, flushed at once, to the file named by
`AWAITLINGS_RESULTS`. A run that is killed or that kills itself (`os._exit`)
leaves every result it reached so far, and the absence of the final
`finished` line tells the grader the run did not end on its own.

A session can also end early and still say `finished`: learner code that calls
`pytest.exit()` (even with `returncode=0`), raises KeyboardInterrupt or sets
`session.shouldfail` stops it in the middle. So the `finished` line says which
test was still running and how the session was ended, and the grader blames
that test's exercise instead of taking the session for complete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

MAX_MESSAGE = 2_000
_results_file = None
_running = ""  # the test started and not yet finished, if any
_spent: dict[str, float] = {}  # seconds each test took so far, by node id
_ended_by = ""  # how learner code ended the session early: "pytest.exit", "interrupt"…


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
    elif isinstance(longrepr, tuple):  # a skip: (path, line, "Skipped: reason")
        text = str(longrepr[2]).removeprefix("Skipped: ")
    elif crash := getattr(longrepr, "reprcrash", None):
        text = crash.message
    else:
        text = str(longrepr)
    text = text.removeprefix("Failed: ").removeprefix("AssertionError: ")
    text = text.split("\nassert ")[0].strip()
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " … (message truncated)"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Skip the garbage collections pytest makes once the session is over.

    pytest collects garbage as it ends (twice, after `pytest_sessionfinish`) to
    report the unraisable exceptions of objects freed late. By then `finished`
    is written and the verdict complete: what they find can change pytest's exit
    status, which the grader does not read for a finished run, never a result.
    Each costs 0.15 to 0.3 s with Django and the harness loaded, on this 2-core
    machine, and the grader waits for the process to end.
    """
    try:
        from _pytest.unraisableexception import gc_collect_iterations_key
    except ImportError:  # a pytest without it: collections stay
        return
    config.stash[gc_collect_iterations_key] = 0


def pytest_collection_finish(session: pytest.Session) -> None:
    _write({"event": "collected", "nodeids": [item.nodeid for item in session.items]})


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _write(
            {"event": "collect_error", "nodeid": report.nodeid, "message": short_message(report)}
        )


def pytest_runtest_logstart(nodeid: str) -> None:
    global _running
    _running = nodeid
    _write({"event": "start", "nodeid": nodeid})


def pytest_runtest_logfinish(nodeid: str) -> None:
    global _running
    _running = ""


def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """pytest.exit() and KeyboardInterrupt both end the session here, with or without a test."""
    global _ended_by
    if isinstance(excinfo.value, pytest.exit.Exception):
        _ended_by = "pytest.exit"
    elif isinstance(excinfo.value, pytest.Session.Interrupted):  # session.shouldstop was set
        _ended_by = "shouldstop"
    else:
        _ended_by = "interrupt"


def timeout_message(report: pytest.TestReport, message: str) -> str | None:
    """pytest-timeout's terse message, in plain words with the learner's line if known."""
    if not (message.startswith("Timeout") and "pytest-timeout" in message):
        return None
    crash = getattr(report.longrepr, "reprcrash", None)
    path = Path(str(getattr(crash, "path", "")))
    where = ""
    if path.is_relative_to(Path.cwd() / "exercises"):  # the grader runs pytest from the root
        where = f" (it was running {path.relative_to(Path.cwd()).as_posix()}:{crash.lineno})"
    limit = message.removeprefix("Timeout (>").split("s)")[0]
    return (
        f"timed out after {limit} s{where} — something never finishes: an endless loop, "
        "or a wait for something that never comes"
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _spent[report.nodeid] = _spent.get(report.nodeid, 0.0) + report.duration
    if report.when == "call" or report.outcome != "passed":
        message = short_message(report) if report.failed or report.skipped else ""
        timed_out = timeout_message(report, message)
        _write(
            {
                "event": "test",
                "nodeid": report.nodeid,
                "when": report.when,
                "outcome": report.outcome,
                "message": timed_out or message,
                "timeout": timed_out is not None,
                "xfail": hasattr(report, "wasxfail"),
                "seconds": round(_spent[report.nodeid], 3),  # so far: setup and call
            }
        )


def pytest_internalerror(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    global _ended_by
    _ended_by = f"internal error ({excinfo.typename})"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stopped = session.shouldfail or session.shouldstop  # set by code, not by the grader
    _write(
        {
            "event": "finished",
            "exitstatus": int(exitstatus),
            "running": _running,
            "ended_by": _ended_by or ("shouldstop" if stopped else ""),
        }
    )
