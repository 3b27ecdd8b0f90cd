"""The course served for real, for a test that judges a whole server (exercise 24).

Every other test calls the learner's view in-process, on a fake clock. This
starts what a learner starts by hand: the course under uvicorn (the
application a production server runs) in front of the course's fake APIs,
both on 127.0.0.1 and free ports; uvicorn stops by itself after a bounded
number of requests, and is killed when the test ends. The judgement is the
sealed grader's own (`grader.sealed.scenario.visitors_side_by_side`): its fake
API holds the calls until enough are in flight together, so a server that
lets its visitors wait side by side shows it on any machine, however loaded,
and one that makes them queue never can.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.catalog import ROOT
from course.fake_api import Behaviour
from grader.sealed.sandbox import Sandbox
from grader.sealed.scenario import visitors_side_by_side
from grader.sealed.site import JudgeAPI, ServerDidNotStart, Site, serve_course


@contextlib.contextmanager
def live_course(tmp_path: Path, latency: float) -> Iterator[Site]:
    """The learner's course under uvicorn, in front of the fake APIs answering after
    `latency` seconds; the test fails in plain words when the server cannot start."""
    own = Sandbox(user=None, pid_namespace=False)  # the learner's code, on their own machine
    with JudgeAPI(Behaviour(latency=latency)) as api:
        try:
            with serve_course(own, ROOT, tmp_path, api, sys.executable) as site:
                yield site
        except ServerDidNotStart as error:
            pytest.fail(f"the course could not be served with uvicorn: {error}", pytrace=False)


def assert_visitors_wait_side_by_side(
    site: Site, path: str, visitors: int, apis: dict[str, str], latency: float
) -> None:
    """Fail in plain words unless `visitors` sent to `path` at once all had their calls to
    `apis` in flight together, and got their own answers soon after (see
    `visitors_side_by_side`)."""
    if problems := visitors_side_by_side(site, path, visitors, apis, latency):
        pytest.fail(problems[0], pytrace=False)
