"""`python grader live`: both versions of a view served for real, and what it draws of them.

The parts are fed made-up records first (a faulthandler dump, a run, a lane), their expected
output written out by hand; then the command runs end to end on exercise 03, whose shipped view
blocks the event loop for 0.2 s per request and whose solution does not.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from course.catalog import load_exercise
from grader import live, timeline
from grader.live import Call, LiveReport, Run, Sample, Visit
from tests.conftest import Course

pytestmark = pytest.mark.timeout(240)

EX03 = "ex03_blocking_sleep"
EX05 = "ex05_sync_view_holds_a_thread"
SLEEP_LINE = "exercises/ex03_blocking_sleep/views.py:18"  # time.sleep(PREPARATION_TIME)

DUMP = """\
Thread 0x00007f0000000003 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 320 in wait
  File "/usr/lib/python3.11/concurrent/futures/thread.py", line 81 in _worker

Thread 0x00007f0000000002 (most recent call first):
  File "/srv/course/exercises/ex05/views.py", line 12 in forecast
  File "/usr/lib/python3.11/site-packages/asgiref/sync.py", line 522 in thread_handler

Current thread 0x00007f0000000001 (most recent call first):
  File "/usr/lib/python3.11/socket.py", line 705 in readinto
  File "/srv/course/exercises/ex05/views.py", line 18 in dashboard
  File "/usr/lib/python3.11/asyncio/events.py", line 84 in _run
"""
FILES = {"/srv/course/exercises/ex05/views.py": "exercises/ex05/views.py"}


def test_a_dump_says_where_the_loop_and_each_worker_thread_were_in_the_learners_files():
    # faulthandler lists the newest thread first: the loop's (the main thread) is the last.
    assert live._where(DUMP, FILES) == (
        "exercises/ex05/views.py:18",
        ["exercises/ex05/views.py:12"],
    )


def test_a_loop_outside_the_learners_files_is_not_named():
    idle = DUMP.replace('/srv/course/exercises/ex05/views.py", line 18', '/lib/x.py", line 1')
    assert live._where(idle, FILES) == ("", ["exercises/ex05/views.py:12"])


def samples_of(tmp_path: Path, looks: list[str], waiting: list[bool] | None = None) -> list[Sample]:
    """`live._samples` of `looks` taken a tenth of a second apart from 10.0 (each look's loop
    waiting in a system call as `waiting` says; by default none)."""
    dumps = tmp_path / "stacks.txt"
    dumps.write_text("".join(looks))
    sizes = [sum(len(look) for look in looks[:index]) for index in range(len(looks))]
    waiting = waiting or [False] * len(looks)
    marks = [
        (10.0 + index / 10, size, 7, sat)
        for index, (size, sat) in enumerate(zip(sizes, waiting, strict=True))
    ]
    return live._samples(dumps, marks, 10.0, FILES)


def test_the_loop_was_held_where_it_sat_in_the_views_code_or_ran_it_for_three_looks(
    tmp_path: Path,
):
    idle = DUMP.replace('/srv/course/exercises/ex05/views.py", line 18', '/lib/x.py", line 1')
    looks = [DUMP, idle, DUMP, DUMP, idle, DUMP, DUMP, DUMP, idle]
    waiting = [True, False, True, False, False, False, False, False, False]

    samples = samples_of(tmp_path, looks, waiting)

    assert [sample.at for sample in samples] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    assert [bool(sample.loop) for sample in samples] == [1, 0, 1, 1, 0, 1, 1, 1, 0]
    # alone: not held; two in a row, one of them waiting in a system call: held; running
    # code, not waiting: held from three looks in a row
    assert [sample.held for sample in samples] == [0, 0, 1, 1, 0, 1, 1, 1, 0]


def test_two_looks_of_the_loop_running_the_views_code_are_not_held(tmp_path: Path):
    idle = DUMP.replace('/srv/course/exercises/ex05/views.py", line 18', '/lib/x.py", line 1')

    assert not any(sample.held for sample in samples_of(tmp_path, [idle, DUMP, DUMP, idle]))


# Seen under `grader live 5` (the solution, no first request before the visitors): the loop
# importing anyio's asyncio backend the first time a client is used, and building a client's
# TLS context (httpx's create_ssl_context, as called since httpx 0.28).
IMPORT = DUMP.replace(
    '  File "/usr/lib/python3.11/socket.py", line 705 in readinto\n',
    '  File "<frozen importlib._bootstrap>", line 1176 in _find_and_load\n'
    '  File "/usr/lib/python3.11/importlib/__init__.py", line 126 in import_module\n',
)
TLS_CONTEXT = DUMP.replace(
    '  File "/usr/lib/python3.11/socket.py", line 705 in readinto\n',
    '  File "/usr/lib/python3.11/ssl.py", line 770 in create_default_context\n'
    '  File "/venv/site-packages/httpx/_config.py", line 40 in create_ssl_context\n',
)


def test_a_loop_importing_a_module_the_first_time_is_not_held_in_the_view(tmp_path: Path):
    # every server pays a module's first import once: not the learner's doing per request
    samples = samples_of(tmp_path, [IMPORT] * 4)

    assert [(sample.loop, sample.held) for sample in samples] == [("", False)] * 4


def test_a_loop_building_tls_contexts_is_held_and_the_verdict_says_what_it_costs(
    tmp_path: Path,
):
    samples = samples_of(tmp_path, [TLS_CONTEXT] * 3 + [DUMP])
    assert [(sample.held, sample.tls) for sample in samples] == [(True, True)] * 3 + [(True, False)]
    report = LiveReport("sync_view_holds_a_thread", "A sync view", "/x/", "GET", 2)
    report.runs = [made_up_run("yours"), made_up_run("shipped")]
    report.runs[0].samples = samples
    report.runs[1].samples = []

    said = live.verdict(report)

    assert "its event loop was held waiting in your code for about 0.4 s" not in said
    assert "kept busy running your code for about 0.4 s" in said
    assert "; 0.3 s of it building new httpx clients' TLS contexts: each `httpx.AsyncClient()`" in (
        said
    )


def made_up_run(version: str, stopped_after: float | None = None) -> Run:
    visits = [
        Visit(sent=0.0, began=0.0, returned=0.4, answered=0.4, status=200),
        Visit(0.0, 0.4, 0.6, 0.8, 200, blocked=0.2, blocked_at=SLEEP_LINE),
    ]
    samples = [
        Sample(0.5, SLEEP_LINE, [], waiting=True, held=True),  # time.sleep: a system call
        Sample(0.6, SLEEP_LINE, [], waiting=True, held=True),
    ]
    calls = [Call("/forecast", 0.0, 0.4, True), Call("/forecast", 0.4, 0.8, False)]
    return Run(version, visits, calls, samples, 1, 1, 3, stopped_after)


def made_up_leaving_run(version: str, abandoned: int) -> Run:
    """Two visitors who left after 0.3 s, while their calls were held."""
    visits = [
        Visit(0.0, None, None, 0.3, None, left=True),
        Visit(0.0, None, None, 0.3, None, left=True),
    ]
    answered = [index >= abandoned for index in range(2)]
    calls = [Call("/forecast", 0.1, 0.35 if not was else 1.3, was) for was in answered]
    return Run(version, visits, calls, [], 2, abandoned, 3, for_nobody=2 - abandoned)


def test_a_lane_is_queued_then_in_its_view_then_ready_and_red_where_the_loop_was_held():
    run = made_up_run("shipped")

    first = timeline.lane(1, run.visits[0], run, scale=0.8, width=8)
    second = timeline.lane(2, run.visits[1], run, scale=0.8, width=8)

    assert first.plain == "#1  ████      200  0.40 s"
    assert second.plain == f"#2  ░░░░███·  200  0.80 s  the loop was in {SLEEP_LINE}"
    red = [span for span in second.spans if span.style == timeline.BLOCKED]
    assert [(span.start - 4, span.end - 4) for span in red][:2] == [(5, 6), (6, 7)]


def test_the_table_counts_what_each_version_did():
    assert timeline.row(made_up_run("shipped")) == [
        "shipped", "2 of 2", "0.80 s", "2.5", "1", "1", "3",
    ]  # fmt: skip
    assert timeline.row(made_up_run("shipped", stopped_after=30.0))[2] == "30.00 s (stopped)"


def test_the_verdict_compares_the_two_versions_in_plain_words():
    report = LiveReport("blocking_sleep", "Blocking sleep", "/blocking_sleep/", "GET", 2)
    report.runs = [made_up_run("yours"), made_up_run("shipped", stopped_after=30.0)]
    report.runs[0].samples = []
    report.runs[1].visits[1].error = live.STOPPED

    assert live.verdict(report) == (
        "your view served 2 requests in 0.80 s; the shipped one had answered 1 of 2 requests "
        "when it was stopped after 30 s. While the shipped one served them, its event loop was "
        f"held waiting in the shipped code for about 0.2 s of 30.0 s ({SLEEP_LINE}): meanwhile, "
        "no other request moved"
    )


def test_a_loop_held_running_code_is_told_apart_from_one_held_waiting():
    report = LiveReport("blocking_sleep", "Blocking sleep", "/blocking_sleep/", "GET", 2)
    report.runs = [made_up_run("yours"), made_up_run("shipped")]
    report.runs[1].samples = []
    for sample in report.runs[0].samples:
        sample.waiting = False  # the loop ran the view's code then: CPU work, a hash

    assert "its event loop was kept busy running your code for about 0.2 s" in live.verdict(report)


def test_a_visitor_who_left_is_drawn_to_where_they_left_and_marked():
    run = made_up_leaving_run("shipped", abandoned=0)

    lane = timeline.lane(1, run.visits[0], run, scale=1.3, width=13)

    assert lane.plain == "#1  ───✕" + " " * 10 + " left after  0.30 s"  # aligned as answered ones
    assert timeline.row(run)[1:4] == ["2 left", "1.30 s", "—"]  # till the last call ended


@pytest.mark.parametrize(
    ("received", "whole"),
    [
        (b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello", True),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhel", False),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n", False),  # the head, not yet all of it
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", True),
        # A stream of events, still open: its visitor reads on until their calls are in flight.
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n9\r\ndata: {}\n\r\n", False),
    ],
)
def test_a_leaving_visitor_takes_only_a_whole_answer_for_one(received: bytes, whole: bool):
    assert live._whole(received) is whole


def test_the_verdict_says_which_calls_were_abandoned_and_which_answered_for_nobody():
    report = LiveReport("sync_view_holds_a_thread", "A sync view", "/sync_view/", "GET", 2)
    report.runs = [made_up_leaving_run("yours", 2), made_up_leaving_run("shipped", 0)]

    assert live.verdict(report) == (
        "your view: 2 visitors left while their calls waited for the API; 2 of the calls were "
        "abandoned, 0 went on and were answered for nobody; the shipped one: 2 visitors left "
        "while their calls waited for the API; 0 of the calls were abandoned, 2 went on and "
        "were answered for nobody"
    )


def test_a_view_that_fails_is_not_said_to_have_served_anything():
    report = LiveReport("blocking_sleep", "Blocking sleep", "/blocking_sleep/", "GET", 2)
    report.runs = [made_up_run("yours"), made_up_run("shipped")]
    for visit in report.runs[0].visits:
        visit.status, visit.error = (
            500,
            "500 NameError at /blocking_sleep/: name 'x' is not defined",
        )
    report.runs[0].samples = report.runs[1].samples = []
    report.as_shipped = False

    assert live.verdict(report) == (
        "your view failed 2 of 2 requests (the first: 500 NameError at /blocking_sleep/: name "
        "'x' is not defined); the shipped one needed 0.80 s — fix yours first (`python grader "
        "run blocking_sleep` shows why)"
    )


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Course:
    from course.catalog import ROOT
    from grader.workspace import copy_course

    course = Course(copy_course(ROOT, tmp_path_factory.mktemp("live") / "course"))
    return course.solve(EX03, EX05)


def test_live_draws_yours_beside_the_shipped_view_and_writes_the_page(
    solved: Course, tmp_path: Path
):
    page = tmp_path / "live.html"

    done = solved.grader("live", "3", "--visitors", "4", "--html", str(page))

    assert done.returncode == 0, done.stderr
    assert "4 requests at once to GET /blocking_sleep/" in done.stdout
    assert "your view served 4 requests in" in done.stdout
    assert "the shipped one needed" in done.stdout
    assert "held waiting in the shipped code for about" in done.stdout
    assert SLEEP_LINE in done.stdout
    assert "While your view served them" not in done.stdout  # its loop was never held
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and html.count('class="view"') == 8
    assert "<script" not in html and "src=" not in html and "href=" not in html  # one file
    kept = solved.path / ".awaitlings" / "live" / f"{EX03}.html"  # for the progress page
    assert kept.read_text(encoding="utf-8") == html


def test_live_json_shows_the_shipped_views_staircase_and_its_held_loop(solved: Course):
    done = solved.grader("--json", "live", "3", "--visitors", "4")

    assert done.returncode == 0, done.stderr
    yours, shipped = json.loads(done.stdout)["runs"]
    began = [visit["began"] for visit in shipped["visits"]]
    # Each view begins once the one before has slept its 0.2 s on the loop: a lower bound, which
    # load only raises.
    assert all(later - earlier >= 0.19 for earlier, later in itertools.pairwise(began))
    shipped_line = f"the shipped {SLEEP_LINE}"
    assert any(sample["held"] and sample["loop"] == shipped_line for sample in shipped["samples"])
    assert not any(sample["held"] for sample in yours["samples"])
    assert [visit["status"] for visit in yours["visits"]] == [200] * 4


def test_visitors_who_leave_see_yours_abandon_its_calls_and_the_shipped_one_answer_nobody(
    solved: Course,
):
    done = solved.grader("--json", "live", "5", "--visitors", "3")

    assert done.returncode == 0, done.stderr
    yours, shipped = json.loads(done.stdout)["runs"]
    for run in yours, shipped:
        errors = [visit["error"] for visit in run["visits"]]
        assert [visit["left"] for visit in run["visits"]] == [True] * 3, (run["version"], errors)
        assert run["peak_in_flight"] == 3  # they left once all three calls were in flight
    assert (yours["abandoned"], yours["for_nobody"]) == (3, 0)
    assert (shipped["abandoned"], shipped["for_nobody"]) == (0, 3)


def test_a_run_past_its_limit_stops_the_server_and_says_so(solved: Course, monkeypatch):
    monkeypatch.setattr(live, "RUN_LIMIT", 1.0)  # the shipped view needs 10 x 0.2 s

    report = live.run_live(solved.path, load_exercise(solved.path / "exercises" / EX03), 10)

    shipped = report.runs[1]
    errors = [visit.error for visit in shipped.visits]
    assert shipped.stopped_after is not None, (shipped.failed, errors)
    assert 1.0 <= shipped.stopped_after < 5
    assert errors.count(live.STOPPED) == 10 - len(shipped.done)
    assert len(shipped.done) < 10
    assert f"the shipped one had answered {len(shipped.done)} of 10 requests" in report.verdict


def test_an_exercise_without_a_live_run_says_why(solved: Course):
    done = solved.grader("live", "2")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "missing_await has no live run: its mistake is an error, not a wait: each request fails "
        "on its own."
    )


def test_a_syntax_error_in_the_exercise_is_one_plain_line(solved: Course, tmp_path: Path):
    views = solved.path / "exercises" / EX03 / "views.py"
    kept = views.read_text(encoding="utf-8")
    views.write_text(kept.replace("await asyncio.sleep(", "await asyncio.sleep(("), "utf-8")
    try:
        done = solved.grader("live", "3")
    finally:
        views.write_text(kept, encoding="utf-8")

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "exercise ex03_blocking_sleep could not be loaded: SyntaxError" in done.stderr
    assert "fix it first (`python grader run 3` shows where)" in done.stderr


def test_an_html_file_that_cannot_be_written_is_refused_before_the_run(solved: Course):
    done = solved.grader("live", "3", "--html", "/nonexistent/folder/live.html", timeout=30)

    assert done.returncode == 2 and "No such file or directory" in done.stderr
    assert "requests at once" not in done.stdout
