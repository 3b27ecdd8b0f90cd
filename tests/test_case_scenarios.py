"""Every passing case of `tests/cases/` passes its exercise's outside check too, and every
failing case whose mistake the tests catch with in-process probes (a thread's wait, a blocked
loop, a page's queries) fails it (issue 14).

`tests/test_cases.py` grades the cases in process: an alternative solution
(`expect = "passed"`) must pass the exercise's tests. Sealed grading asks a
real server as well (the exercise's scenario, `exercises/<ex>/scenario.py`),
and a learner's honest alternative must get its points there too: a scenario
that fails one punishes a right answer the tests accept. The other way round,
a wrong view the tests catch only with probes in the learner's process (which
a forge can silence) must be caught by the server too; those the kernel cannot
see are marked, as the scenario's `unconfirmed` says.

The cases are laid over copies of the course in rounds, as in
`tests/test_cases.py` (round k holds the k-th passing case, or the k-th such
failing case, of each exercise that has one), and each round is served once,
as `tests/test_scenarios.py` serves the course. The rounds' servers start side
by side, before any check runs; the checks then run one at a time (a test at
a time), since scenarios measure timing and watch the server's threads.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import zip_longest
from pathlib import Path

import pytest

from course.catalog import ROOT, load_exercise
from grader.sealed.site import Site
from grader.workspace import copy_course
from tests.conftest import Course
from tests.test_cases import CASES_DIR, Case, load_cases
from tests.test_scenarios import SCENARIOS, check, serve

# The first test also waits for every round's server to start (12 s idle, 22 s loaded).
pytestmark = pytest.mark.timeout(300)


def probed(case: Case) -> bool:
    """A failing case whose mistake the tests catch with probes in the learner's process: a
    thread's wait or a blocked loop (the kernel's view of the server's threads,
    `grader/sealed/loopwatch.py`, must catch it too), or the queries a page runs (exercise
    14's scenario counts them)."""
    return case.expect == "failed" and any(
        word in case.message for word in ("thread", "event loop", " queries for ")
    )


def rounds(groups: list[list[Case]]) -> list[list[Case]]:
    """Round k holds the k-th case of each group that has one."""
    return [[case for case in round_ if case] for round_ in zip_longest(*groups)]


PASSING = rounds([[case for case in group if case.expect == "passed"] for group in load_cases()])
PROBED = rounds([[case for case in group if probed(case)] for group in load_cases()])
ROUNDS = PASSING + PROBED
ROUND_OF = {case: number for number, cases in enumerate(ROUNDS) for case in cases}
# Probed failing cases the kernel's view cannot tell: a thread waiting in a futex without a
# timeout, as an idle pool's thread does (exercise 01's `unconfirmed`), or a block too brief
UNSEEN = {
    "ex01_first_async_view/run_coroutine_threadsafe_in_a_thread.py",
    "ex01_first_async_view/sync_to_async_of_async_to_sync.py",
    # A pool shut down on the loop once its calls have ended joins idle threads: a block
    # shorter than LoopWatch's thresholds (docs/grading.md, "What remains"). It lasts as long
    # as the calls still running only when the view is cancelled midway.
    "ex15_legacy_sdk/executor_in_a_with_block.py",
    # Django's adaptation of a sync-only middleware: its thread waits in async_to_sync, in a
    # futex (exercise 19's `unconfirmed`).
    "ex19_async_middleware/docs_class_sync.py",
    "ex19_async_middleware/branch_without_the_flags.py",
    # async_to_sync in a sync handler waits in a futex too (exercise 20's `unconfirmed`).
    "ex20_async_class_view/both_sync_with_async_to_sync.py",
}


def unseen(case: Case) -> bool:
    """A probed case the outside check cannot see: UNSEEN, or a page's queries on PostgreSQL
    (exercise 14's `unconfirmed`)."""
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    return str(case) in UNSEEN or (postgres and " queries for " in case.message)


# A round's server, or why it could not be served (only that round's cases fail then).
Served = Site | BaseException


def lay_round(scratch: Path, cases: list[Case]) -> Course:
    """A copy of the course with each case over its exercise's views.py."""
    tree = copy_course(ROOT, scratch / "course")
    for case in cases:
        exercise = load_exercise(tree / "exercises" / case.folder)
        target = exercise.path / exercise.files[0]
        target.write_text((CASES_DIR / case.folder / case.file).read_text(encoding="utf-8"))
    return Course(tree)


def start_round(
    scratch: Path, cases: list[Case]
) -> tuple[contextlib.AbstractContextManager[Site], Site]:
    """Serve one round's course as `tests/test_scenarios.py` does: (the server, the site)."""
    scratch.mkdir()
    server = contextlib.contextmanager(serve)(lay_round(scratch, cases), scratch)
    return server, server.__enter__()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Served]]:
    scratch = tmp_path_factory.mktemp("case_scenarios")
    served: list[Served] = []
    with contextlib.ExitStack() as servers:
        with ThreadPoolExecutor(max_workers=len(ROUNDS)) as pool:
            starting = [
                pool.submit(start_round, scratch / f"round{number}", cases)
                for number, cases in enumerate(ROUNDS)
            ]
            for future in starting:  # every one, so each started server is ended
                try:
                    server, site = future.result()
                except Exception as error:  # told by the round's tests
                    served.append(error)
                else:
                    servers.push(server.__exit__)
                    served.append(site)
        yield served


def check_case(case: Case, sites: list[Served]) -> list[str]:
    """The problems its exercise's scenario finds with `case`, served in its round."""
    number = ROUND_OF[case]
    site = sites[number]
    if isinstance(site, BaseException):
        together = ", ".join(map(str, ROUNDS[number]))
        pytest.fail(f"round {number} ({together}) could not be served: {site!r}")
    scenario = SCENARIOS[case.folder]
    assert scenario is not None, f"{case.folder} declares no scenario"
    return check(site, scenario)


@pytest.mark.parametrize("case", [case for round_ in PASSING for case in round_], ids=str)
def test_passing_case_passes_its_scenario(case: Case, sites: list[Served]) -> None:
    problems = check_case(case, sites)

    assert problems == [], (
        f"tests/cases/{case}, a passing case, failed its exercise's outside check "
        f"(round {ROUND_OF[case]}): " + " | ".join(problems)
    )


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=[pytest.mark.xfail(strict=True)] if unseen(case) else [])
        for round_ in PROBED
        for case in round_
    ],
    ids=str,
)
def test_a_mistake_the_probes_catch_fails_its_scenario(case: Case, sites: list[Served]) -> None:
    # issue 14: the in-process tests' thread probes run in the learner's process; a server
    # must show the same mistake, or a forge of those tests wins the points
    problems = check_case(case, sites)

    assert problems, (
        f"tests/cases/{case} fails its tests ({case.message}) but passed its exercise's "
        f"outside check (round {ROUND_OF[case]})"
    )
