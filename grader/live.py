"""`python grader live <exercise>`: the course's idea shown instead of told.

The exercise's view is served twice under uvicorn, as the learner has it and
as shipped, each in front of the judge's fake API behaving as the exercise's
scenario says: the servers sealed grading and the truth check start
(`grader.sealed.site`). Each gets the scenario's `Live` requests at once.
What comes back: when each request was sent and answered, every call the fake
API saw, the most threads the server had, and, sampled every SAMPLE seconds
from a dump of the server's stacks (faulthandler, on SIGUSR1), where its
event loop and its worker threads were inside the learner's files. Nothing
here grades: `grader.timeline` draws it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from course.catalog import Exercise, not_loaded
from grader.sealed.sandbox import Sandbox
from grader.sealed.scenario import Live, Scenario, load_scenario
from grader.sealed.site import (
    JudgeAPI,
    Reply,
    ServerDidNotStart,
    Site,
    leave_when,
    serve_course,
    together,
)
from grader.shipped import read_shipped, restore
from grader.workspace import copy_course

SAMPLE = 0.1  # seconds between two looks at the server's stacks
RUNNING = 3  # looks in a row that find the loop running the view's code: it held the loop
RUN_LIMIT = 30.0  # seconds a version's requests may take before its server is stopped
MAX_VISITORS = 50
STOPPED = "still waiting when the server was stopped"
LEFT = "left"  # a visitor who left on purpose (`Live.leave_once_called`)
LEAVE_WITHIN = 10.0  # seconds the leaving visitors wait for all their calls to be in flight
SETTLE = 1.0  # seconds for the calls to end once their visitors left
ANSWERED = 10.0  # seconds, at most, for the calls that went on to be answered
Mark = tuple[float, int, int, bool]  # a look: when, dump size before it, threads, loop waiting
STAMPED = "grader.livestamp:application"  # the course, its views saying when they ran
BEGAN, RETURNED = "x-awaitlings-began", "x-awaitlings-returned"  # the headers they say it in

FRAME = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+) in ')
# A loop stack's frames that say what it was doing: importing a module for the first time
# (every server pays that once, on the first request that needs it), or building a new httpx
# client's TLS context (each `httpx.AsyncClient()` reads and parses its CA bundle: tens of
# milliseconds of CPU on the loop, encode/httpx#2298 and #3627).
IMPORTING = '"<frozen importlib._bootstrap>"'
TLS = " in create_ssl_context\n"
# The line that starts each thread's stack in a faulthandler dump.
THREAD = re.compile(
    r"^(?:Current thread|Thread) 0x[0-9a-f]+ \(most recent call first\):$", re.MULTILINE
)


@dataclass
class Visit:
    """One request, its times in seconds since the first was sent."""

    sent: float
    began: float | None  # when its view began (None: not known, it failed or never began)
    returned: float | None  # when its view returned its response
    answered: float  # when the answer arrived
    status: int | None
    error: str | None = None  # why it got no good answer (a 500's reason, a closed connection)
    blocked: float = 0.0  # seconds of its wait while the event loop ran the learner's code
    blocked_at: str = ""  # where, the first time it was seen there
    left: bool = False  # the visitor left on purpose at `answered`, before any answer


@dataclass
class Call:
    """One call the fake API saw, its times in seconds since the first request was sent."""

    path: str
    started: float
    ended: float
    answered: bool  # False: abandoned by the caller


@dataclass
class Sample:
    """One look at the server's stacks: where the loop and the worker threads were inside the
    learner's files (`exercises/…/views.py:18`); "" for the loop when it was not."""

    at: float
    loop: str
    threads: list[str]
    waiting: bool = False  # the loop's thread sat in a system call then (not running code)
    tls: bool = False  # the loop was building a new httpx client's TLS context then
    held: bool = False  # part of a stretch the loop spent in the view's files: see `_held`


@dataclass
class Run:
    """One version of the view served, and what its requests met."""

    version: str  # "yours" or "shipped"
    visits: list[Visit]
    calls: list[Call]
    samples: list[Sample]
    peak_in_flight: int  # most calls to the fake API in flight at once
    abandoned: int  # calls their caller left before the answer
    threads: int  # most threads the server process had at once
    stopped_after: float | None = None  # the server was stopped after this many seconds
    failed: str = ""  # why it could not be run at all
    for_nobody: int = 0  # calls answered after their visitors had left

    @property
    def done(self) -> list[Visit]:
        """The requests that got a good answer."""
        return [visit for visit in self.visits if visit.error is None and not visit.left]

    @property
    def left(self) -> list[Visit]:
        return [visit for visit in self.visits if visit.left]

    @property
    def seconds(self) -> float:
        """From the first request sent to the last answered, or left, or the last call to the
        fake API ended (or the server was stopped)."""
        if self.stopped_after is not None:
            return self.stopped_after
        ends = [visit.answered for visit in self.visits] + [call.ended for call in self.calls]
        return max(ends, default=0.0)


@dataclass
class LiveReport:
    exercise: str  # id
    title: str
    path: str
    method: str
    visitors: int
    runs: list[Run] = field(default_factory=list)
    verdict: str = ""
    as_shipped: bool = False  # the learner's files are still the shipped ones


class LiveError(Exception):
    """The exercise cannot be run live as it is: a sentence for the learner."""


def live_plan(exercise: Exercise) -> Live | str:
    """What `live` sends the exercise's view, or a sentence saying why it sends nothing."""
    scenario = _scenario(exercise)
    if scenario is None:
        return "it has no outside check to borrow a server from"
    return scenario.live


def _scenario(exercise: Exercise) -> Scenario | None:
    try:
        return load_scenario(exercise)
    except Exception as error:  # its scenario reads the exercise's files (a syntax error)
        fix = f"fix it first (`python grader run {exercise.number}` shows where)"
        raise LiveError(f"{not_loaded(exercise.folder, error)} — {fix}") from None


def run_live(
    root: Path,
    exercise: Exercise,
    visitors: int | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> LiveReport:
    """Serve the learner's version of `exercise`, then the shipped one, and send each the
    scenario's requests at once (`visitors` of them, if given)."""
    scenario = _scenario(exercise)
    assert scenario is not None and isinstance(scenario.live, Live), "see live_plan"
    live = scenario.live
    count = min(visitors or live.visitors, MAX_VISITORS)
    report = LiveReport(exercise.id, exercise.title, live.path, live.method, count)
    record = root / "grader" / "shipped.json"
    shipped = read_shipped(record)
    report.as_shipped = all(
        (root / path).read_text(encoding="utf-8") == shipped[path] for path in exercise.editable
    )
    with tempfile.TemporaryDirectory(prefix="awaitlings-live-") as scratch:
        for version, whose in (("yours", "your version"), ("shipped", "the shipped version")):
            tree = copy_course(root, Path(scratch) / version / "course")
            if version == "shipped":
                restore(exercise, tree, record)
            home = Path(scratch) / version / "home"
            home.mkdir()
            progress(f"serving {whose} of {exercise.folder} with uvicorn")
            report.runs.append(_run(version, tree, home, exercise, scenario, live, count, progress))
    report.verdict = verdict(report)
    return report


def _run(
    version: str,
    tree: Path,
    home: Path,
    exercise: Exercise,
    scenario: Scenario,
    live: Live,
    count: int,
    progress: Callable[[str], None],
) -> Run:
    dumps = home / "stacks.txt"
    own = Sandbox(user=None, pid_namespace=False)  # the learner's code, on their own machine
    try:
        with (
            JudgeAPI(scenario.behaviour) as api,
            serve_course(own, tree, home, api, sys.executable, dumps=dumps, app=STAMPED) as site,
        ):
            site.request("GET", "/health/")  # imports every exercise, as a first request does
            if not live.leave_once_called:  # a stream's first visitor would hold the run up
                site.request(live.method, live.path, json=live.body)  # the view's first time
            api.settle()
            api.forget()
            progress(f"sending {count} requests at once to {live.method} {live.path}")
            with _sampling(site, dumps) as marks:
                replies, stopped = _visit(site, live, count)
            return _measured(version, site, tree, exercise, replies, stopped, marks, dumps)
    except ServerDidNotStart as error:
        return Run(version, [], [], [], 0, 0, 0, failed=str(error))


def _visit(site: Site, live: Live, count: int) -> tuple[list[Reply], float | None]:
    """The replies to `count` requests sent at once, and when the server had to be stopped
    (None: every request was answered, or left, within RUN_LIMIT)."""
    result: list[tuple[float, list[Reply]]] = []
    requests = [(live.method, live.path)] * count
    api = live.leave_once_called

    def visit() -> None:
        if not api:
            result.append(together(site.client, requests, live.body))
            return
        with site.api.holding(api):  # each call waits, unanswered, until its visitor left
            result.append(together(site.client, requests, sender=_leaving(site, api, count)))
            site.api.settle(SETTLE)  # abandoned at once, or still waiting
        site.api.settle(ANSWERED)  # answerable now: a call that went on is answered, for nobody

    sender = threading.Thread(target=visit, daemon=True)
    started = time.perf_counter()
    sender.start()
    sender.join(RUN_LIMIT)
    stopped = None
    if sender.is_alive():
        stopped = time.perf_counter() - started
        with contextlib.suppress(ProcessLookupError):
            os.kill(site.pid, signal.SIGKILL)
        sender.join(30)
    return (result[0][1] if result else []), stopped


def _leaving(site: Site, api: str, count: int) -> Callable[..., Reply]:
    """A sender (see `together`) whose visitor asks for the page and leaves once `count` calls
    to the fake API's `api` are in flight together: a Reply with the error LEFT. Bytes that
    come first are read on (a stream's head and first events); a whole answer, or a closed
    connection, before the calls are all in flight is the Reply; so is waiting past
    LEAVE_WITHIN seconds, with an error saying so (see `leave_when`)."""

    def all_in_flight() -> bool:
        return site.api.records.in_flight[api] >= count

    def sender(client: object, method: str, path: str, json: object) -> Reply:
        started = time.perf_counter()
        waiting_for = f"not all {count} calls to {api} were in flight"
        reply = leave_when(site.url, path, all_in_flight, waiting_for, LEAVE_WITHIN, _whole)
        return reply or Reply(None, b"", LEFT, started, time.perf_counter())

    return sender


def _whole(received: bytes) -> bool:
    """Whether the bytes read hold a whole HTTP/1.1 answer (by its Content-Length, or its last
    chunk); a stream's answer, still open, is not whole."""
    head, found, body = received.partition(b"\r\n\r\n")
    if not found:
        return False
    fields = head.lower().split(b"\r\n")
    for line in fields:
        if line.startswith(b"content-length:"):
            return len(body) >= int(line.split(b":", 1)[1])
    return b"transfer-encoding: chunked" in fields and body.endswith(b"0\r\n\r\n")


@contextlib.contextmanager
def _sampling(site: Site, dumps: Path) -> Iterator[list[Mark]]:
    """Every SAMPLE seconds, ask the server for a dump of its stacks: (when, the dump file's
    size before it, the server's threads then, whether its loop thread sat in a system call),
    for `_samples` to read afterwards."""
    marks: list[Mark] = []
    stop = threading.Event()

    def look() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                size = dumps.stat().st_size
                marks.append((time.perf_counter(), size, _threads(site.pid), _waiting(site.pid)))
                os.kill(site.pid, signal.SIGUSR1)
            stop.wait(SAMPLE)

    looking = threading.Thread(target=look, daemon=True)
    looking.start()
    try:
        yield marks
    finally:
        stop.set()
        looking.join(5)


def _waiting(pid: int) -> bool:
    """Whether the server's main thread, its event loop's, sleeps in a system call now (a
    socket's read, `time.sleep`) rather than runs (the kernel's state: S or D, not R)."""
    state = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state in ("S", "D")


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def _measured(
    version: str,
    site: Site,
    tree: Path,
    exercise: Exercise,
    replies: list[Reply],
    stopped: float | None,
    marks: list[Mark],
    dumps: Path,
) -> Run:
    zero = min((reply.started for reply in replies), default=time.perf_counter())
    visits = [
        Visit(
            reply.started - zero,
            _stamp(reply, BEGAN, zero),
            _stamp(reply, RETURNED, zero),
            reply.ended - zero,
            reply.status,
            None if reply.error == LEFT else _problem(reply, stopped),
            left=reply.error == LEFT,
        )
        for reply in replies
    ]
    visits.sort(key=lambda visit: (visit.began is None, visit.began or 0.0, visit.sent))
    records = site.api.records
    calls = [
        Call(path, start - zero, end - zero, answered) for path, start, end, answered in records.log
    ]
    shown = "the shipped {}" if version == "shipped" else "{}"
    learner_files = {str(tree / path): shown.format(path) for path in exercise.editable}
    samples = _samples(dumps, marks, zero, learner_files)
    for visit in visits:
        inside = [s for s in samples if s.held and visit.sent <= s.at <= visit.answered]
        visit.blocked = round(len(inside) * SAMPLE, 3)
        visit.blocked_at = inside[0].loop if inside else ""
    last_left = max((visit.answered for visit in visits if visit.left), default=None)
    return Run(
        version,
        visits,
        calls,
        samples,
        records.peak_overall,
        records.total(records.abandoned),
        max((mark[2] for mark in marks), default=0),
        stopped,
        for_nobody=sum(
            call.answered and last_left is not None and call.ended > last_left for call in calls
        ),
    )


def _stamp(reply: Reply, header: str, zero: float) -> float | None:
    try:
        return float(reply.headers[header]) - zero
    except (KeyError, ValueError):
        return None


def _problem(reply: Reply, stopped: float | None) -> str | None:
    """Why a request got no good answer; None when it did."""
    if reply.status is None:
        return STOPPED if stopped else reply.error
    return None if reply.status < 400 else reply.shown()[:200]


def _samples(
    dumps: Path, marks: list[Mark], zero: float, learner_files: dict[str, str]
) -> list[Sample]:
    """The looks, each told where the loop and the threads were (see `_held`)."""
    text = dumps.read_bytes() if dumps.is_file() else b""
    ends = [mark[1] for mark in marks[1:]] + [len(text)]
    samples = []
    for (at, size, _threads, waiting), end in zip(marks, ends, strict=True):
        dump = text[size:end].decode(errors="replace")
        loop, threads = _where(dump, learner_files)
        stack = _loop_stack(dump)
        if IMPORTING in stack:  # a module's first import, paid once by any server
            loop = ""
        samples.append(Sample(round(at - zero, 3), loop, threads, waiting, tls=TLS in stack))
    _held(samples)
    return samples


def _loop_stack(dump: str) -> str:
    """The event loop's thread's stack in a dump: the last one listed (see `_where`)."""
    starts = list(THREAD.finditer(dump))
    return dump[starts[-1].end() :] if starts else ""


def _held(samples: list[Sample]) -> None:
    """Mark the looks that found the loop held in the view's files: stretches of looks in a
    row that found it there, if it sat waiting in one of them (a sync client, `time.sleep`)
    or the stretch lasts RUNNING looks (CPU work: a hash). Ordinary code, and building a
    client's TLS context (0.03 s, longer on a loaded machine), the loop gets through between
    two looks or within one stretch of fewer."""
    stretch: list[Sample] = []
    for sample in [*samples, Sample(0.0, "", [])]:
        if sample.loop:
            stretch.append(sample)
            continue
        if len(stretch) >= RUNNING or (len(stretch) >= 2 and any(s.waiting for s in stretch)):
            for inside in stretch:
                inside.held = True
        stretch = []


def _where(dump: str, learner_files: dict[str, str]) -> tuple[str, list[str]]:
    """(where the loop thread was inside the learner's files, where each other thread was).

    faulthandler lists the threads newest first: the main thread, which runs
    uvicorn's event loop, comes last. Each stack is listed innermost first, so
    a thread's first frame in a learner's file is the line it is at.
    """
    stacks: list[str] = []
    for line in dump.splitlines():
        if THREAD.match(line):
            stacks.append("")
        elif (
            stacks
            and not stacks[-1]
            and (frame := FRAME.match(line))
            and (name := learner_files.get(frame["file"])) is not None
        ):
            stacks[-1] = f"{name}:{frame['line']}"
    if not stacks:
        return "", []
    return stacks[-1], [where for where in stacks[:-1] if where]


def verdict(report: LiveReport) -> str:
    """The comparison in plain words: how each version did with the same requests, and how
    long an event loop was held in the view's code while they waited."""
    yours, shipped = report.runs
    said = f"{_served(yours, 'your view')}; {_served(shipped, 'the shipped one', 'needed')}"
    if any(visit.error for visit in yours.visits) and yours.stopped_after is None:
        said += f" — fix yours first (`python grader run {report.exercise}` shows why)"
    for run, whose, code in (
        (yours, "your view", "your code"),
        (shipped, "the shipped one", "the shipped code"),
    ):
        held = [sample for sample in run.samples if sample.held]
        if held and not run.failed:
            places = ", ".join(sorted({sample.loop for sample in held}, key=_line_order))
            how = "held waiting in" if any(s.waiting for s in held) else "kept busy running"
            said += (
                f". While {whose} served them, its event loop was {how} {code} for about "
                f"{len(held) * SAMPLE:.1f} s of {run.seconds:.1f} s ({places}): meanwhile, no "
                "other request moved"
            )
            if tls := sum(sample.tls for sample in held):
                said += (
                    f"; {tls * SAMPLE:.1f} s of it building new httpx clients' TLS contexts: "
                    "each `httpx.AsyncClient()` reads and parses its CA bundle on the loop "
                    "(encode/httpx#2298). A context made once, at import, and handed to each "
                    "client as `verify=` (httpx's SSL guide) is built once"
                )
    if report.as_shipped:
        said += ". Your files are still as shipped: solve the exercise, then look again"
    return said


def _line_order(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return path, int(line) if line.isdigit() else 0


def _served(run: Run, who: str, verb: str = "served") -> str:
    count = len(run.visits)
    if run.failed:
        return f"{who} could not be served: {run.failed}"
    if run.stopped_after is not None:
        return (
            f"{who} had answered {len(run.done)} of {count} requests when it was stopped after "
            f"{run.stopped_after:.0f} s"
        )
    failed = [visit for visit in run.visits if visit.error is not None]
    if failed:
        return f"{who} failed {len(failed)} of {count} requests (the first: {failed[0].error})"
    if run.left:
        return (
            f"{who}: {len(run.left)} visitors left while their calls waited for the API; "
            f"{run.abandoned} of the calls were abandoned, {run.for_nobody} went on and were "
            "answered for nobody"
        )
    if verb == "needed":
        return f"{who} needed {run.seconds:.2f} s"
    return f"{who} served {count} requests in {run.seconds:.2f} s"


def as_json(report: LiveReport) -> dict:
    return dataclasses.asdict(report)
