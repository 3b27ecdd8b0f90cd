"""Sealed grading holds against a learner who wants points (issue 14's attacks, one test each).

Each test grades a submission with `--submission` (or `--pristine`) on a
course cut down to exercise 02, whose scenario the server shows plainly (a
500 as shipped, the forecast when solved), and checks the hole stays shut.
The forge tests first show that the forge wins points from plain grading, so
they cannot pass for a forge that simply does not work.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.catalog import ROOT
from grader.run import MAX_RESULTS, PipeResults, Run, _read_results
from grader.sealed.grade import stopped_after
from grader.sealed.sandbox import LEARNERS, OWN_USERS, confine
from grader.workspace import copy_course
from tests.conftest import Course, by_id

pytestmark = pytest.mark.timeout(240)

EX02 = "ex02_missing_await"
VIEWS = f"exercises/{EX02}/views.py"

# Replaces the grader's result writer inside the test process: every test "passes"
# (issue 14: "views.py replaces grader.pytest_plugin._write → 180/180").
FORGE = """
import grader.pytest_plugin as plugin

_write = plugin._write


def _forged(record):
    if record.get("event") == "test":
        record.update(outcome="passed", message="", timeout=False)
    _write(record)


plugin._write = _forged
"""


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return Course(copy_course(ROOT, tmp_path / "course")).keep(EX02)


def submission(course: Course, folder: Path, changes: dict[str, str | None]) -> Path:
    """A learner's repository: the course's exercises, with `changes` (None deletes)."""
    shutil.copytree(course.path / "exercises", folder / "exercises")
    for relative, text in changes.items():
        path = folder / relative
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return folder


def sealed(course: Course, folder: Path, *args: str) -> tuple[int, dict]:
    code, document = course.grade_json("--submission", str(folder), *args)
    return code, document


def shipped_views(course: Course) -> str:
    return (course.path / VIEWS).read_text(encoding="utf-8")


def test_a_forged_result_wins_plain_grading_but_scores_nothing_sealed(course, tmp_path):
    forged = shipped_views(course) + FORGE
    plain = Course(tmp_path / "plain")
    shutil.copytree(course.path, plain.path)
    plain.write(VIEWS, forged)
    _, document = plain.grade_json()
    assert by_id(document)["missing_await"]["status"] == "passed", "the forge no longer works"

    code, document = sealed(course, submission(course, tmp_path / "mine", {VIEWS: forged}))

    exercise = by_id(document)["missing_await"]
    assert (code, document["score"], exercise["status"]) == (1, 0, "failed")
    assert (
        "the tests passed, but served by a real server the view did not show the lesson"
        in (exercise["message"])
    )
    assert "500" in exercise["outside"]
    assert any("grader" in flag for flag in exercise["flags"]), exercise["flags"]


def test_the_solution_scores_its_points_sealed(course, tmp_path):
    solved = (course.path / "solutions" / EX02 / "views.py").read_text(encoding="utf-8")

    code, document = sealed(course, submission(course, tmp_path / "mine", {VIEWS: solved}))

    exercise = by_id(document)["missing_await"]
    assert (code, document["score"], exercise["status"]) == (0, 10, "passed"), exercise
    assert exercise["outside"].startswith("agrees"), exercise["outside"]
    assert exercise["flags"] == []


def test_files_beyond_the_editable_ones_are_ignored_and_listed(course, tmp_path):
    bonus = "exercises/ex19_bonus/exercise.toml"
    test_file = f"exercises/{EX02}/test_missing_await.py"
    changes = {
        bonus: 'id = "bonus"\ntitle = "Free points"\nchapter = 1\npoints = 1000\n'
        'files = ["views.py"]\nhints = ["a", "b"]\n',
        "exercises/ex19_bonus/views.py": "",
        "exercises/.pytest.ini": "[pytest]\naddopts = -p no:grader\n",
        test_file: "def test_nothing():\n    pass\n",
    }

    _, document = sealed(course, submission(course, tmp_path / "mine", changes))

    assert (document["score"], document["max_score"]) == (0, 10)
    assert by_id(document)["missing_await"]["status"] == "failed"
    ignored = document["sealed"]["ignored"]
    for path in (bonus, "exercises/.pytest.ini", test_file):
        assert path in ignored, ignored


def test_a_submission_without_the_exercises_scores_zero(course, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()

    code, document = sealed(course, folder)

    exercise = by_id(document)["missing_await"]
    assert (code, document["score"], exercise["status"]) == (1, 0, "error")
    assert "missing from the submission" in exercise["message"]


@pytest.mark.parametrize(
    "target", ["/dev/zero", "/nonexistent/views.py", "../../grader/manifest.json"]
)
def test_an_editable_file_that_is_a_link_is_refused_in_one_line(course, tmp_path, target):
    folder = submission(course, tmp_path / "mine", {VIEWS: None})
    (folder / VIEWS).symlink_to(target)

    started = time.monotonic()
    code, document = sealed(course, folder)

    exercise = by_id(document)["missing_await"]
    assert (code, exercise["status"]) == (1, "error")
    assert "is a symbolic link; the grader reads only regular files" in exercise["message"]
    assert time.monotonic() - started < 60


@pytest.fixture
def readable_course() -> Iterator[Course]:
    """A course in a folder every user may pass through (pytest's own tmp_path is root's alone),
    so that only the sandbox keeps its answers out of the learner's sight."""
    folder = Path(tempfile.mkdtemp(prefix="awaitlings-course-"))
    folder.chmod(0o755)
    try:
        yield Course(copy_course(ROOT, folder / "course")).keep(EX02)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_learner_code_runs_confined_and_leaves_no_process_behind(readable_course, tmp_path):
    course = readable_course
    token = f"awaitlings-spy-{os.getpid()}"
    # The spy tells what it could do in the message of the error it raises: a file of its own
    # would land in a temporary folder, which is the sandbox's own.
    spy = f"""
import os, pathlib, time

def _try(name, action):
    try:
        action()
        return name
    except OSError:
        return ""

course = pathlib.Path({str(course.path)!r})
did = [
    # the course it runs in is the grader's copy, not the learner's to change
    _try("wrote-the-course", lambda: (pathlib.Path(__file__).resolve().parents[2]
                                      / "grader" / "planted.py").write_text("")),
    # the teacher's copy, with its answers and its history, is on the same machine
    _try("read-the-solution", lambda: (course / "solutions" / {EX02!r} / "views.py").read_text()),
    _try("read-the-course", lambda: (course / "pyproject.toml").read_text()),
    _try("left-a-file", lambda: pathlib.Path("/tmp/{token}").write_text("")),
]
if os.fork() == 0:  # issue 14: setsid and a double fork escaped the group kill
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "31.4159"])
    os._exit(0)
oom = open("/proc/self/oom_score_adj").read().strip()
raise RuntimeError(f"SPY uid={{os.getuid()}} ppid={{os.getppid()}} oom={{oom}} did={{did}}")
"""
    _, document = sealed(
        course, submission(course, tmp_path / "mine", {VIEWS: spy + shipped_views(course)})
    )

    message = by_id(document)["missing_await"]["message"]
    assert "SPY " in message, f"the learner's views.py never ran: {message}"
    seen = dict(part.split("=", 1) for part in message.split("SPY ")[1].split(" ", 3))
    sandbox = confine()
    assert seen["oom"] == "1000", "out of memory, the kernel could kill the grader first"
    assert "wrote-the-course" not in seen["did"], "learner code wrote the course it runs in"
    if sandbox.user:
        # a user of the grade's own (numbered from the grader's pid), or nobody and 65533
        uid = int(seen["uid"])
        assert uid >= OWN_USERS or uid in {user for user, _group in LEARNERS}, uid
    if sandbox.user and sandbox.pid_namespace:
        assert "read-the-solution" not in seen["did"], "learner code read an answer"
        assert "read-the-course" not in seen["did"], "learner code read the trusted course"
        assert not Path(f"/tmp/{token}").exists(), "a file in /tmp outlived the sandbox"
    if sandbox.pid_namespace:
        assert int(seen["ppid"]) in (0, 1), "the learner's process can name a process outside"
    left = [
        path.parent.name
        for path in Path("/proc").glob("[0-9]*/cmdline")
        if b"31.4159" in _read(path)
    ]
    assert not left, f"learner processes outlived the grade: {left}"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_pristine_grades_with_the_course_from_git_never_the_working_tree(course, tmp_path):
    git(course.path, "init", "-q")
    git(course.path, "add", "-A")
    git(course.path, "commit", "-qm", "the template")
    marker = tmp_path / "imported"
    # issue 14: a root-level tomllib.py ran inside the grader; edited tests won points
    course.write("tomllib.py", f"open({str(marker)!r}, 'w').close()\nfrom tomli import *\n")
    course.write(f"exercises/{EX02}/test_missing_await.py", "def test_nothing():\n    pass\n")

    code, document = course.grade_json("--pristine", "HEAD")

    assert not marker.exists(), "the working tree's tomllib.py was imported"
    assert (code, document["score"]) == (1, 0)
    assert document["sealed"]["mode"] == "sealed"
    assert f"exercises/{EX02}/test_missing_await.py" in document["sealed"]["ignored"]


def test_outputs_are_written_by_the_grader_alone(course, tmp_path):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    environment = {**os.environ, "GITHUB_OUTPUT": str(outputs / "github_output")}
    # issue 14: learner code rewrote $GITHUB_OUTPUT and the --json file after the grader exited
    snoop = (
        "import os\n"
        "for name in ('GITHUB_OUTPUT', 'AWAITLINGS_OUTPUTS'):\n"
        "    if name in os.environ:\n"
        "        open(os.environ[name], 'a').write('result=forged\\n')\n"
    )
    folder = submission(course, tmp_path / "mine", {VIEWS: snoop + shipped_views(course)})

    done = subprocess.run(
        [sys.executable, "grader", "--submission", str(folder), "--classroom", "--json"],
        cwd=course.path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert json.loads(done.stdout)["score"] == 0
    assert "forged" not in (outputs / "github_output").read_text()


def test_a_link_planted_in_the_learners_folder_gives_the_grader_nothing_to_follow(course, tmp_path):
    # red team, issue 14: a link at $HOME/db.sqlite3 made the grader, as root, overwrite
    # and chown the file it named; the server's database now goes to a folder of its own
    victim = tmp_path / "victim.txt"
    victim.write_text("the teacher's file\n")
    plant = (
        "import os\n"
        "_db = os.path.join(os.environ.get('HOME', ''), 'db.sqlite3')\n"
        "if not os.path.lexists(_db):\n"
        f"    os.symlink({str(victim)!r}, _db)\n"
    )
    folder = submission(course, tmp_path / "mine", {VIEWS: plant + shipped_views(course)})

    code, document = sealed(course, folder)

    assert (code, document["score"]) == (1, 0)
    assert victim.read_text() == "the teacher's file\n"
    assert victim.stat().st_uid == os.getuid()


@pytest.mark.parametrize(
    "tamper",
    [
        "open(path, 'a').write('1\\n[]\\n{\"event\": \"test\"}\\n')",  # records of no shape
        "os.unlink(path); os.mkfifo(path)",  # a reader waits for a writer forever
        "os.unlink(path); os.symlink('/dev/zero', path)",  # a reader never reaches the end
    ],
    ids=["malformed-records", "a-fifo", "a-link-to-dev-zero"],
)
def test_a_results_file_the_learner_rewrote_is_that_exercises_problem_alone(
    course, tmp_path, tamper
):
    # red team, issue 14: these crashed the grade (TypeError) or hung it past any budget
    at_exit = (
        "import atexit, os\n"
        "def _tamper():\n"
        "    path = os.environ['AWAITLINGS_RESULTS']\n"
        f"    {tamper}\n"
        "atexit.register(_tamper)\n"
    )
    folder = submission(course, tmp_path / "mine", {VIEWS: at_exit + shipped_views(course)})

    started = time.monotonic()
    code, document = sealed(course, folder)

    assert (code, document["score"]) == (1, 0)
    assert by_id(document)["missing_await"]["status"] in ("failed", "error")
    assert time.monotonic() - started < 120


# issue 14's in-process forges, each in a view of its own: each made plain grading pass
# exercises it solved nothing of (`test_a_forged_result_wins_plain_grading…` shows the kind).
FORGES = {
    # pytest's Config, found through gc, gets a hook that marks every report passed
    "a-report-hook": """
import gc, _pytest.config

class _Passing:
    def pytest_runtest_makereport(self, item, call):
        pass

    def pytest_runtest_logreport(self, report):
        report.outcome, report.longrepr = "passed", None

for _config in [o for o in gc.get_objects() if type(o) is _pytest.config.Config]:
    _config.pluginmanager.register(_Passing(), "forge")
""",
    # every test body does nothing
    "runtest-does-nothing": """
import _pytest.python
_pytest.python.Function.runtest = lambda self: None
""",
    # at exit, every result the process wrote is rewritten as passed
    "results-rewritten-at-exit": """
import atexit, json, os

def _rewrite():
    path = os.environ["AWAITLINGS_RESULTS"]
    records = [json.loads(line) for line in open(path)]
    for record in records:
        if record.get("event") == "test":
            record.update(outcome="passed", message="", timeout=False)
    with open(path, "w") as file:
        file.writelines(json.dumps(record) + "\\n" for record in records)

atexit.register(_rewrite)
""",
    "the-writer-replaced": FORGE,
}

# issue 14, item 6: hostile code at import; each is its exercise's problem alone
HOSTILE = {
    # a fork loop that waits when the limit refuses it: it holds every task the learner's user
    # may have, as one that spins does, without taking the CPU from the other tests meanwhile
    "a-fork-loop": "import os, time\nwhile True:\n    try:\n        os.fork()\n"
    "    except OSError:\n        time.sleep(0.05)\n",
    "8-gib-allocated": "_ballast = bytearray(8 << 30)\n",
    "the-parent-killed": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
    "recursion-a-million-deep": "import sys\nsys.setrecursionlimit(1_000_100)\n"
    "def _down(n):\n    return _down(n + 1)\n_down(0)\n",
}
REWRITES = {"results-rewritten-at-exit"}  # forges of a results file, which sealed grading lacks
HONEST = ["ex02_missing_await", "ex07_gather_fanout"]
FORGED = dict(
    zip(
        [
            "ex03_blocking_sleep",
            "ex04_async_http_client",
            "ex09_partial_failure",
            "ex10_bounded_concurrency",
        ],
        FORGES.items(),
        strict=True,
    )
)
HOSTILE_AT = dict(
    zip(
        ["ex06_dont_async_everything", "ex11_retry_backoff", "ex12_first_wins", "ex15_legacy_sdk"],
        HOSTILE.items(),
        strict=True,
    )
)
UNCONFIRMED = "ex01_first_async_view"  # a server cannot tell it solved: the forge's flags count


def test_forges_score_nothing_and_hostile_code_costs_its_neighbours_nothing(tmp_path):
    folders = [*HONEST, *FORGED, *HOSTILE_AT, UNCONFIRMED]
    course = Course(copy_course(ROOT, tmp_path / "course")).keep(*folders)
    changes = {
        f"exercises/{f}/views.py": (course.path / "solutions" / f / "views.py").read_text()
        for f in HONEST
    }
    shipped = {f: (course.path / "exercises" / f / "views.py").read_text() for f in folders}
    for folder, (_name, code) in {**FORGED, **HOSTILE_AT}.items():
        changes[f"exercises/{folder}/views.py"] = code + shipped[folder]
    changes[f"exercises/{UNCONFIRMED}/views.py"] = shipped[UNCONFIRMED] + FORGE

    started = time.monotonic()
    code, document = sealed(
        course, submission(course, tmp_path / "mine", changes), "--budget", "60"
    )

    by_folder = {folder: by_id(document)[folder.split("_", 1)[1]] for folder in folders}
    for folder in HONEST:
        assert by_folder[folder]["status"] == "passed", (folder, by_folder[folder])
    for folder, (name, _code) in FORGED.items():
        result = by_folder[folder]
        assert result["status"] == "failed", (name, result)
        assert result["flags"], (name, "a forge without a flag")
        if name in REWRITES:  # the results come through a pipe: nothing to rewrite
            assert "the tests passed" not in result["message"], (name, result)
        else:  # the forge did win the tests; the server disagreed
            assert "the tests passed, but served by a real server" in result["message"], name
    for folder, (name, _code) in HOSTILE_AT.items():
        assert by_folder[folder]["status"] != "passed", (name, by_folder[folder])
    forged = by_folder[UNCONFIRMED]
    assert forged["status"] == "failed" and "points are withheld" in forged["message"], forged
    assert (code, document["score"]) == (1, 10 * len(HONEST))
    assert time.monotonic() - started < 200


def test_a_server_that_answers_without_end_cannot_hold_the_grade(course, tmp_path):
    # red team, issue 14: the grader read each answer whole, so an endless one never ended
    endless = (
        FORGE + "from django.http import StreamingHttpResponse\n\n\n"
        "async def _endless():\n"
        "    while True:\n"
        "        yield b'x' * 65536\n\n\n"
        "async def forecast(request):\n"
        "    if request.META['SERVER_NAME'] == 'testserver':  # the forge wins the tests quickly\n"
        "        return StreamingHttpResponse([b'{}'])\n"
        "    return StreamingHttpResponse(_endless())\n"
    )
    folder = submission(course, tmp_path / "mine", {VIEWS: endless})

    started = time.monotonic()
    code, document = sealed(course, folder)

    exercise = by_id(document)["missing_await"]
    assert (code, exercise["status"]) == (1, "failed"), exercise["message"]
    # the first answer is cut at 1 MiB; the server may still be pumping it for nobody after
    stopped = ("longer than 1 MiB: the grader stopped reading", "ReadTimeout")
    assert any(reason in exercise["outside"] for reason in stopped), exercise["outside"]
    assert time.monotonic() - started < 150


def test_an_outside_check_past_its_time_stops_the_server():
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with stopped_after(0.2, server.pid) as expired:
            assert server.wait(timeout=30) == -signal.SIGKILL
        assert expired.is_set()
        with stopped_after(30, os.getpid()) as expired:
            pass  # done in time: nothing is stopped
        assert not expired.is_set()
    finally:
        server.kill()
        server.wait()


def test_results_written_after_the_session_spoil_it(course, tmp_path):
    # Sealed grading reads results from a pipe: what the learner's code adds cannot take back
    # a failure the grader read, and nothing the plugin wrote comes after `finished`.
    late = (
        "import atexit, json, os\n"
        "def _late():\n"
        "    with open(os.environ['AWAITLINGS_RESULTS'], 'a') as pipe:\n"
        "        pipe.write(json.dumps({'event': 'test', 'nodeid': 'x', 'when': 'call',\n"
        "                               'outcome': 'passed', 'message': '', 'timeout': False})\n"
        "                   + '\\n' + json.dumps({'event': 'finished', 'exitstatus': 0}) + '\\n')\n"
        "atexit.register(_late)\n"
    )
    folder = submission(course, tmp_path / "mine", {VIEWS: late + shipped_views(course)})

    code, document = sealed(course, folder)

    exercise = by_id(document)["missing_await"]
    assert (code, exercise["status"]) == (1, "error"), exercise
    assert "written after the test session ended" in exercise["message"]


def test_a_flood_of_results_spoils_the_run_and_never_blocks_the_writer(tmp_path):
    # red team, issue 14 (third round): forged records, then 16 MiB of blank lines, hid the
    # real records past the limit the grader reads
    results = PipeResults(tmp_path / "results")
    writer = subprocess.Popen(
        [sys.executable, "-c", f"open({str(results.path)!r}, 'a').write('\\n' * {MAX_RESULTS * 2})"]
    )
    try:
        deadline = time.monotonic() + 60
        while writer.poll() is None and time.monotonic() < deadline:
            results.finished()  # the grader's own polling drains the pipe
            time.sleep(0.01)
        assert writer.wait(timeout=5) == 0, "the writer blocked on a full pipe"
        run = Run()
        _read_results(results.content(), run)
        assert run.out_of_order
    finally:
        writer.kill()
        results.close()
