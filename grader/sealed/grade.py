"""Sealed grading: a trusted course grades a submission, and every point is confirmed from outside.

For each exercise, in a folder of its own:

1. the trusted course is copied (without `solutions/`), and the submission's
   editable files of that exercise alone are laid over it: nothing of one
   exercise's code can reach another's grade;
2. its tests run in the sandbox (`grader.sealed.sandbox`), each exercise in a
   process of its own, and are collated as in plain grading: their messages
   are the learner's feedback;
3. its scenario (`grader.sealed.scenario`) serves the same tree with uvicorn
   in the sandbox and judges it from outside: the answers, the judge's fake
   API, the database and cache files, the kernel's view of the server.

An exercise earns its points only when both agree it is solved. When its
tests pass but the server shows otherwise, it fails, and the teacher reads
both. Every learner process is gone before a result is returned.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue

from course.catalog import Exercise
from grader.results import ExerciseResult
from grader.run import Confined, grade
from grader.sealed.database import Stock
from grader.sealed.sandbox import Sandbox, confine
from grader.sealed.scenario import Scenario, load_scenario
from grader.sealed.site import JudgeAPI, ServerDidNotStart, serve_course
from grader.sealed.submission import Submission, read_submission
from grader.static_check import flags
from grader.workspace import COURSE_PARTS, copy_course

TEMPORARY = (Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"))
TRUSTED_PARTS = tuple(part for part in COURSE_PARTS if part != "solutions")  # no answers
PYTHON = sys.executable  # the learner's processes run the grader's own Python
WORKERS = 2  # exercises graded side by side (this is a 2-core machine's worth)
# What no server shows, in any exercise: Django runs a plain `def` view in a worker thread of
# its own, so the same work done there (a sync client, a sleep, async_to_sync) keeps the loop
# free and looks alike from outside (red team, issue 14).
NOT_SHOWN = (
    "whether the view is async at all: a plain `def` view doing the same work in the worker"
    " thread Django gives it keeps the loop free and answers alike"
)
OUTSIDE_SECONDS = 120.0  # an outside check's limit: the slowest takes ~10 s, ~30 s under load


@dataclass
class SealedRun:
    """What a sealed grade found, beside the results: for the report."""

    results: list[ExerciseResult]
    submission: Path
    ignored: list[str] = field(default_factory=list)
    confinement: str = ""


def grade_sealed(
    trusted: Path,
    submission_root: Path,
    exercises: list[Exercise],
    *,
    budget: float,
    test_timeout: float | None,
) -> SealedRun:
    """Grade the editable files under `submission_root` against the course at `trusted`."""
    submission = read_submission(submission_root, exercises, trusted)
    scratch = Path(tempfile.mkdtemp(prefix="awaitlings-sealed-"))
    try:
        scratch.chmod(0o755)  # the learner's user must reach its own folders inside
        # The trusted course (its answers, its .git) stays out of sight, and the temporary
        # folders are the sandbox's own: nothing written there outlives it or is shared.
        sandbox = confine().hiding(trusted, *TEMPORARY, keeping=(scratch,))
        scenarios = {e.folder: load_scenario(e) for e in exercises}
        rows = "\n".join(s.rows for s in scenarios.values() if s and s.rows)
        stock = Stock(trusted, scratch, rows, os.environ.get("DATABASE_URL", ""))
        # A subreaper kills every orphan, so it grades one exercise at a time.
        slots: Queue[Sandbox] = Queue()
        for slot in sandbox.slots()[: 1 if sandbox.subreaper else WORKERS]:
            slots.put(slot)

        def one(exercise: Exercise) -> ExerciseResult:
            slot = slots.get()  # a user no other exercise graded now runs as
            job = Job(trusted, scratch / exercise.folder, slot, exercise)
            scenario = scenarios[exercise.folder]
            try:
                return job.grade(submission, scenario, stock, budget, test_timeout)
            except Exception as error:  # one exercise's trouble never stops the others' grades
                return ExerciseResult(
                    exercise,
                    problem="error",
                    problem_message=f"the grader could not grade this exercise: "
                    f"{type(error).__name__}: {error}",
                )
            finally:
                slots.put(slot)

        try:
            with ThreadPoolExecutor(slots.qsize()) as pool:
                results = list(pool.map(one, exercises))
        finally:
            stock.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return SealedRun(results, submission_root.resolve(), submission.ignored, sandbox.describe())


@dataclass
class Job:
    """One exercise's sealed grade, in `folder`: its tree, the learner's home, its verdict."""

    trusted: Path
    folder: Path
    sandbox: Sandbox
    exercise: Exercise

    @property
    def tree(self) -> Path:
        return self.folder / "course"

    @property
    def home(self) -> Path:
        """The tests' own folder: the learner's code writes there."""
        return self.folder / "home"

    @property
    def server_home(self) -> Path:
        """The server's folder, made by the grader after the tests: nothing in it is theirs."""
        return self.folder / "server"

    def grade(
        self,
        submission: Submission,
        scenario: Scenario | None,
        stock: Stock,
        budget: float,
        test_timeout: float | None,
    ) -> ExerciseResult:
        refused = submission.problems_of(self.exercise)
        if refused:
            return ExerciseResult(
                self.exercise, problem="error", problem_message="; ".join(refused)
            )
        self.lay_out(submission)
        confined = Confined(self.sandbox, self.home, stock.for_tests(self.exercise.folder))
        [result] = grade(
            self.tree, [self.exercise], budget=budget, test_timeout=test_timeout, confined=confined
        )
        result.flags = [
            str(flag)
            for path in self.exercise.editable
            for flag in flags(path, submission.files[path].decode("utf-8", errors="replace"))
        ]
        if scenario is None:
            result.outside = "no outside check: this exercise declares no scenario"
            return result
        if result.status != "passed":  # no point to confirm: the tests already say why
            result.outside = "not run: the tests failed"
            return result
        self.server_home.mkdir()  # new, so no link of the learner's can be in its path
        database = stock.for_server(self.exercise.folder, self.server_home, self.sandbox.user)
        self.sandbox.give(self.server_home)
        problems = self.check_outside(scenario, database)
        result.outside = "; ".join(problems) if problems else "agrees: the server shows it solved"
        if scenario.unconfirmed:
            result.outside += f" (not shown by a server: {scenario.unconfirmed})"
        if problems:
            result.problem = "failed"
            result.problem_message = (
                "the tests passed, but served by a real server the view did not show the "
                f"lesson: {'; '.join(problems)}"
            )
        elif result.flags:
            # What a server cannot show rests on the tests, which run in the learner's process:
            # code that reaches for the grader (the static check's flags) cannot vouch for it.
            result.problem = "failed"
            result.problem_message = (
                f"the tests passed and the server shows nothing wrong, but a server cannot show "
                f"{scenario.unconfirmed or NOT_SHOWN}; that rests on the tests alone, and this "
                "code reaches for what decides them (see its flags), so the points are withheld"
            )
        return result

    def lay_out(self, submission: Submission) -> None:
        """The trusted course without its answers, with this exercise's editable files laid over."""
        self.tree.mkdir(parents=True)  # new: nothing of an earlier run in it
        copy_course(self.trusted, self.tree, TRUSTED_PARTS)
        for relative in self.exercise.editable:
            (self.tree / relative).write_bytes(submission.files[relative])
        self.folder.chmod(0o755)
        self.sandbox.give(self.home, self.tree / ".awaitlings")

    def check_outside(self, scenario: Scenario, database: str) -> list[str]:
        try:
            with (
                JudgeAPI(scenario.behaviour) as api,
                serve_course(
                    self.sandbox, self.tree, self.server_home, api, sys.executable, database
                ) as site,
            ):
                with stopped_after(OUTSIDE_SECONDS, site.pid) as expired:
                    warm = site.request("GET", "/health/")  # imports every exercise before anything
                    problems = (
                        [f"the course's health check answered {warm.shown()}"]
                        if warm.status != 200
                        else scenario.check(site)
                    )
                if expired.is_set():
                    return [
                        f"the server was still being checked after {OUTSIDE_SECONDS:g} s (a "
                        "solved exercise takes a few): the grader stopped it"
                    ]
                return problems
        except ServerDidNotStart as error:
            return [str(error)]
        except Exception as error:  # a check must never stop the other exercises' grades
            return [f"the outside check could not finish: {type(error).__name__}: {error}"]


@contextlib.contextmanager
def stopped_after(seconds: float, pid: int) -> Iterator[threading.Event]:
    """Kill the server `pid` (the first process of its namespace: all of it) if the block runs
    past `seconds`, so a server that answers slowly forever cannot hold the grade; the event
    says whether it had to."""
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    timer = threading.Timer(seconds, stop)
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()
