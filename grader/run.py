"""Run exercise tests in a child pytest process, under a hard time budget.

One process for all exercises is the fast common case: Django and pytest
start-up dominate a run, so starting them once per exercise would cost several
seconds. The child writes each result as it happens (`grader.pytest_plugin`).
If the run ends without finishing (it hung past its budget, the harness's
watchdog ended a hung test, or learner code killed the process), the exercise
whose test was running is blamed and the exercises not yet finished are run
again: one exercise's hang or crash is that exercise's problem, and every other
exercise is still graded.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from course.catalog import Exercise
from course.testing.watchdog import HUNG_MARK
from grader.integrity import not_regular
from grader.results import ExerciseResult, TestResult
from grader.sealed.sandbox import Sandbox
from grader.warm import WarmChild, WarmWorker, WorkerGone

DEFAULT_BUDGET = 120.0  # seconds for one child process
OUTPUT_TAIL = 4_000  # bytes of the child's output kept for a crash report
MAX_RESULTS = 16 << 20  # bytes of a results file read at most (a few kilobytes per test)
POLL = 0.05  # seconds between looks at a running child
DAY = 86_400.0  # seconds: longer than any test takes
EXIT_GRACE = 2.0  # seconds a finished session gets to exit
INTERRUPTED = 2  # pytest.ExitCode.INTERRUPTED, without importing pytest here


@dataclass
class Run:
    """What one child process reported, read back from its results file."""

    collected: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    last_started: str = ""
    ended_by: str = ""  # how learner code ended the session early, as the plugin saw it
    finished: bool = False
    timed_out: bool = False
    returncode: int | None = None
    output_tail: str = ""
    out_of_order: bool = False  # a record came after `finished`: not the plugin's writing


def exercise_of(nodeid: str) -> str:
    """`exercises/ex01_x/test_y.py::test_z` → `ex01_x`."""
    parts = nodeid.split("::")[0].split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "exercises" else ""


def name_of_test(nodeid: str) -> str:
    """`exercises/ex01_x/test_y.py::test_z` → `test_z`."""
    return nodeid.split("::")[-1]


@dataclass(frozen=True)
class Confined:
    """Sealed grading: the tests run as the learner in `sandbox`, `home` their own folder."""

    sandbox: Sandbox
    home: Path
    environment: dict[str, str] = field(default_factory=dict)  # the database's, if any


PYTEST_OPTIONS = ["-p", "grader.pytest_plugin", "-q", "--no-header"]


def warm_worker(root: Path) -> WarmWorker:
    """A warm worker for runs in `root` (see `grader.worker`); close it when done."""
    return WarmWorker(root, PYTEST_OPTIONS)


def run_pytest(
    root: Path,
    exercises: list[Exercise],
    budget: float,
    test_timeout: float | None,
    confined: Confined | None = None,
    worker: WarmWorker | None = None,
) -> Run:
    """Run the tests of `exercises` in one child process and read back its results.

    With a `worker` (never in sealed grading), the child is forked from it; if the
    worker dies meanwhile, the run is done again the plain way.
    """
    arguments = [*(exercise.home for exercise in exercises), *PYTEST_OPTIONS]
    if test_timeout is not None:
        arguments += ["-o", f"timeout={test_timeout}"]
    if worker is not None and confined is None:
        with contextlib.suppress(WorkerGone):
            return _run(root, arguments, budget, None, worker)
    return _run(root, arguments, budget, confined, None)


def _run(
    root: Path,
    arguments: list[str],
    budget: float,
    confined: Confined | None,
    worker: WarmWorker | None,
) -> Run:
    with tempfile.TemporaryDirectory(prefix="awaitlings-") as scratch:
        if confined:  # a pipe in the grader's folder beside the learner's home
            results: FileResults | PipeResults = PipeResults(confined.home.parent / "results")
        else:
            results = FileResults(Path(scratch) / "results.jsonl")
        results_path = results.path
        command = [sys.executable, "-m", "pytest", *arguments]
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
        child: subprocess.Popen[bytes] | WarmChild | None = None
        if confined:
            env = confined.sandbox.environment(
                confined.home,
                AWAITLINGS_RESULTS=str(results_path),
                PYTHONPATH=str(root),  # the grader's own checkout is out of the learner's sight
                **confined.environment,
            )
            child = confined.sandbox.popen(command, root, env, **pipes)
        else:
            env = {
                **os.environ,
                "AWAITLINGS_RESULTS": str(results_path),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
            if worker is not None:  # a fork of the warm worker, in a session of its own
                child = worker.start(root, arguments, env)
            if child is None:
                # A session of its own: at the end the whole process group is killed,
                # with any process the learner's code started.
                child = subprocess.Popen(
                    command,
                    cwd=root,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    **pipes,
                )
        output = OutputTail(child.stdout)
        run = Run()
        try:
            run.timed_out = not _wait(child, results, budget)
            run.returncode = child.poll()
        except WorkerGone:  # only a warm child's worker dies: end the run, then run it again
            _end(child, confined)
            raise
        _end(child, confined)
        run.output_tail = output.text()
        if isinstance(child, WarmChild) and output.done():
            child.stdout.close()
        _read_results(results.content(), run)
        results.close()
    return run


def _end(child: subprocess.Popen[bytes] | WarmChild, confined: Confined | None) -> None:
    """Kill the child's session (everything the learner's code started) and reap it."""
    if confined:
        confined.sandbox.end(child)
    elif isinstance(child, WarmChild):
        child.end()  # the worker is its parent
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def _wait(
    child: subprocess.Popen[bytes] | WarmChild, results: FileResults | PipeResults, budget: float
) -> bool:
    """Wait for the child to end; False if the budget ran out first.

    Once the session reported that it finished, the child gets a short grace
    to exit: a thread the learner started and never stopped would otherwise
    keep it alive until the budget, with every result already in.
    """
    deadline = time.monotonic() + budget
    finished_at: float | None = None
    while time.monotonic() < deadline:
        try:
            child.wait(timeout=POLL)
            return True
        except subprocess.TimeoutExpired:
            pass
        if finished_at is None and results.finished():
            finished_at = time.monotonic()
        if finished_at is not None and time.monotonic() - finished_at > EXIT_GRACE:
            return True
    return False


FINISHED = b'"event": "finished"'


@dataclass
class FileResults:
    """Plain grading: the plugin appends its records to a file, read when the run is over."""

    path: Path

    def __post_init__(self) -> None:
        self.path.unlink(missing_ok=True)

    def finished(self) -> bool:
        return FINISHED in read_results_file(self.path, tail=200)

    def content(self) -> bytes:
        return read_results_file(self.path)

    def close(self) -> None:
        pass


class PipeResults:
    """Sealed grading: the plugin writes its records into a pipe (a FIFO in the grader's folder,
    which the learner's user may write but neither read, replace nor remove), and the grader
    reads them as they come. Learner code may add records, never take back one the grader
    has read: a forged pass beside a real failure keeps the failure (`_add_test`), and a
    record after `finished` spoils the run (`Run.out_of_order`). A file could be rewritten
    whole at the end (red team, issue 14: a thread did it with os.replace)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)  # an earlier run's, in the same folder
        os.mkfifo(path, 0o622)
        path.chmod(0o622)  # whatever the umask: the learner writes, only the grader reads
        self._descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self._data = bytearray()

    def _drain(self) -> None:
        """Read what is there; past MAX_RESULTS, read on and drop it (a full pipe would
        block the writer), and `_read_results` takes the run as spoiled."""
        while True:
            try:
                chunk = os.read(self._descriptor, 65536)
            except BlockingIOError:
                return
            if not chunk:  # no writer now: more may come later
                return
            self._data += chunk[: max(0, MAX_RESULTS - len(self._data))]

    def finished(self) -> bool:
        self._drain()
        return FINISHED in self._data[-200:]

    def content(self) -> bytes:
        self._drain()
        return bytes(self._data[:MAX_RESULTS])

    def close(self) -> None:
        os.close(self._descriptor)


def read_results_file(path: Path, tail: int | None = None) -> bytes:
    """The results file's bytes (its last `tail` only, if given), read as the grader may.

    In sealed grading the file sits in the learner's folder, and the grader
    reads it as root: it is opened without following a link and without
    blocking (a FIFO would hang the grader), read only if it is a regular
    file, and only up to `MAX_RESULTS` bytes ('' otherwise).
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    with os.fdopen(descriptor, "rb") as results:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return b""
        if tail is not None:
            results.seek(max(0, info.st_size - tail))
        return results.read(MAX_RESULTS)


class OutputTail:
    """Drain a child's output in a thread, keeping only its last characters.

    Learner code may print hundreds of megabytes: nothing is written to disk
    and memory stays bounded, and the child never blocks on a full pipe.
    """

    def __init__(self, stream: IO[bytes] | None) -> None:
        self._tail = bytearray()
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        for chunk in iter(lambda: stream.read(65536), b""):
            self._tail += chunk
            del self._tail[:-OUTPUT_TAIL]

    def text(self) -> str:
        self._thread.join(timeout=5)
        return self._tail.decode("utf-8", errors="replace")

    def done(self) -> bool:
        """True once the output ended (every writer closed it): the stream may be closed."""
        return not self._thread.is_alive()


# What each record of the results file holds: a line that does not match is skipped.
FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "collected": {"nodeids": list},
    "start": {"nodeid": str},
    "finished": {"exitstatus": int},
    "collect_error": {"nodeid": str, "message": str},
    "test": {"nodeid": str, "when": str, "outcome": str, "message": str, "timeout": bool},
}


def well_formed(record: object) -> bool:
    """A record as the plugin writes it: learner code may write anything in that file."""
    if not isinstance(record, dict) or record.get("event") not in FIELDS:
        return False
    fields = FIELDS[record["event"]]
    if not all(isinstance(record.get(name), kind) for name, kind in fields.items()):
        return False
    return all(isinstance(nodeid, str) for nodeid in record.get("nodeids", []))


def text(value: object) -> str:
    """`value` if it is a string, else '' (a record's optional field, as learner code left it)."""
    return value if isinstance(value, str) else ""


def _read_results(raw: bytes, run: Run) -> None:
    # The plugin writes a few kilobytes a test: results this long were not its writing (red
    # team, issue 14: a flood past the limit hid the real records behind forged ones), and
    # parsing them would cost a minute.
    if len(raw) >= MAX_RESULTS:
        run.out_of_order = True
        return
    ended = False
    for line in raw.decode("utf-8", errors="replace").splitlines():
        if not line.startswith("{"):  # not a record of the plugin's: skip it cheaply
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a killed process
        if not well_formed(record):
            continue
        run.out_of_order = run.out_of_order or ended  # the plugin writes `finished` last, once
        ended = ended or record["event"] == "finished"
        if record["event"] == "collected":
            run.collected = record["nodeids"]
        elif record["event"] == "start":
            run.last_started = record["nodeid"]
        elif record["event"] == "finished":
            # pytest ends a session cut short by learner code (pytest.exit(),
            # even with returncode=0, a KeyboardInterrupt) properly, but not all
            # tests ran: a test still running, or an early end, is not finished.
            running, ended_by = (text(record.get(name)) for name in ("running", "ended_by"))
            run.last_started = running or run.last_started
            run.ended_by = ended_by
            run.finished = record["exitstatus"] != INTERRUPTED and not running and not ended_by
        else:
            run.records.append(record)


def collate(exercises: list[Exercise], run: Run) -> dict[str, ExerciseResult]:
    """Turn one run's records into a result per exercise."""
    results = {exercise.folder: ExerciseResult(exercise) for exercise in exercises}
    for record in run.records:
        result = results.get(exercise_of(record["nodeid"]))
        if result is None:
            continue
        if record["event"] == "collect_error":
            result.problem = "error"
            result.problem_message = f"the tests could not be collected: {record['message']}"
            continue
        if record["outcome"] == "skipped" or record.get("xfail"):
            result.problem = "tampered"
            result.problem_message = (
                f"{name_of_test(record['nodeid'])} was skipped or marked xfail "
                f"({record['message'] or 'no reason given'}) — tests in this course never "
                "skip; remove the skip or xfail"
            )
            continue
        if record["timeout"]:
            status = "timeout"
        elif record["outcome"] == "passed":
            status = "passed"
        elif record["when"] == "call":
            status = "failed"
        else:
            status = "error"  # setup failed: the exercise's code could not even run
        seconds = record.get("seconds")
        # learner code may have written it: a day at most (JSON has no infinity)
        seconds = (
            float(seconds) if isinstance(seconds, (int, float)) and 0 <= seconds < DAY else 0.0
        )
        test = TestResult(name_of_test(record["nodeid"]), status, record["message"], seconds)
        _add_test(result, test)
    if not run.finished:
        _mark_unfinished(results, run)
    else:
        _mark_tests_that_never_ran(results, run)
    if run.out_of_order:
        for result in results.values():
            result.problem = "error"
            result.problem_message = (
                "results were written after the test session ended, or more of them than "
                f"{MAX_RESULTS >> 20} MiB, which the grader's own plugin never does: something "
                "in the exercise's code wrote to them"
            )
    return results


def _mark_tests_that_never_ran(results: dict[str, ExerciseResult], run: Run) -> None:
    """In a run that finished, every collected test must have reported.

    Only code in the test process can drop a collected test (a view that
    removes it from pytest's session): that exercise cannot be graded.
    """
    for result in results.values():
        if result.problem or not result.tests or complete(result, run):
            continue
        reported = {test.name for test in result.tests}
        missing = sorted(
            name_of_test(nodeid)
            for nodeid in run.collected
            if exercise_of(nodeid) == result.exercise.folder
            and name_of_test(nodeid) not in reported
        )
        result.problem = "error"
        result.problem_message = (
            f"{', '.join(missing)} never ran, although it was collected — something in the "
            "test process removed it; an exercise is graded only when all its tests run"
        )


def _add_test(result: ExerciseResult, test: TestResult) -> None:
    # A test reports its call, then its teardown: keep the worse outcome, and the time of both.
    for index, existing in enumerate(result.tests):
        if existing.name == test.name:
            if test.status != "passed":
                result.tests[index] = test
            result.tests[index].seconds = max(existing.seconds, test.seconds)
            return
    result.tests.append(test)


def _mark_unfinished(results: dict[str, ExerciseResult], run: Run) -> None:
    """Blame the exercise whose test was running when the run ended early."""
    culprit = results.get(exercise_of(run.last_started))
    if culprit is None and len(results) == 1:
        [culprit] = results.values()  # alone in its run: nobody else to blame
    if culprit is None or culprit.problem:
        return
    hung = run.timed_out or HUNG_MARK in run.output_tail
    if hung:
        culprit.problem = "timeout"
        culprit.problem_message = (
            "timed out — something in the code blocks forever (an endless loop, "
            "or a wait that never ends); the run was stopped"
        )
    else:
        culprit.problem = "error"
        culprit.problem_message = why_it_stopped(run)


ENDED_BY = {
    "pytest.exit": "the view ended the test session (pytest.exit) — a view answers a request; "
    "let the tests finish",
    "interrupt": "the view raised KeyboardInterrupt, which ends the test session — "
    "let the tests finish",
    "shouldstop": "the view stopped the test session (it set session.shouldfail or "
    "shouldstop) — let the tests finish",
}
CRASHES = {"SIGSEGV", "SIGBUS", "SIGILL", "SIGABRT", "SIGFPE"}


def why_it_stopped(run: Run) -> str:
    """In plain words, how the test process ended before the culprit's tests did."""
    if run.ended_by:
        return ENDED_BY.get(
            run.ended_by, f"pytest itself failed while this exercise ran ({run.ended_by})"
        )
    code = run.returncode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        if name in CRASHES:
            return (
                f"the test process crashed ({name}: a stack overflow?) while this exercise "
                "ran — very deep recursion, with a raised sys.setrecursionlimit(), does that"
            )
        if name == "SIGKILL":
            return "the test process was killed (SIGKILL: out of memory?) while this exercise ran"
        return f"the test process was ended by {name} while this exercise ran"
    last_words = run.output_tail.strip().splitlines()[-1:] or ["(no output)"]
    return (
        f"the test process stopped before this exercise finished (exit status "
        f"{code}) — does the code call os._exit() or raise KeyboardInterrupt? "
        f"Its last output: {last_words[0][:300]}"
    )


def complete(result: ExerciseResult, run: Run) -> bool:
    """True when every collected test of the exercise reported, or it was blamed."""
    expected = {name_of_test(n) for n in run.collected if exercise_of(n) == result.exercise.folder}
    reported = {t.name for t in result.tests}
    return bool(result.problem) or (bool(expected) and expected <= reported)


def grade(
    root: Path,
    exercises: list[Exercise],
    *,
    budget: float = DEFAULT_BUDGET,
    test_timeout: float | None = None,
    confined: Confined | None = None,
    worker: WarmWorker | None = None,
) -> list[ExerciseResult]:
    """Grade `exercises` in the tree at `root`; never raises for learner code.

    When a run ends early, the exercise it was running is blamed, and the
    exercises it did not finish are run again, together: one more process per
    misbehaving exercise, not one per exercise. A run that ends early before
    any test started (a crash while collecting) cannot name a culprit, so its
    exercises are then run one at a time. An exercise whose folder holds a
    link or a device is not run at all (`not_regular`). With a warm `worker`,
    runs are forks of it (`grader.worker`), where it serves.
    """
    results: dict[str, ExerciseResult] = {}
    for exercise in exercises:
        if why := not_regular(exercise):
            refused = ExerciseResult(exercise, problem="error", problem_message=why)
            results[exercise.folder] = refused
    remaining = [exercise for exercise in exercises if exercise.folder not in results]
    while remaining:
        run = run_pytest(root, remaining, budget, test_timeout, confined, worker)
        found = collate(remaining, run)
        results.update(found)
        if run.finished:
            break
        unfinished = [e for e in remaining if not complete(found[e.folder], run)]
        if len(unfinished) == len(remaining):  # nobody to blame
            if len(unfinished) > 1:  # so try each alone; a lone one was already tried
                for exercise in unfinished:
                    alone = run_pytest(root, [exercise], budget, test_timeout, confined, worker)
                    results.update(collate([exercise], alone))
            break
        remaining = unfinished
    return [results[exercise.folder] for exercise in exercises]
