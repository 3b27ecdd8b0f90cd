"""The loop watch (`grader/sealed/loopwatch.py`): what the kernel shows of a server's event loop.

Every kind of blocking the in-process probes miss (issue 14) is served by a
real uvicorn, in exercise 03's view followed by the `await asyncio.sleep(...)`
that satisfies the in-process fake clock, and must be judged blocking, by a
sentence naming its syscall; the solved views must never be. One uvicorn per
copy of the course (solved, shipped, and one per blocking view), all started
at once and reused by every test of this module; one warm-up request to each
view before anything is watched (the first request imports the course's
modules on the loop thread).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from course.catalog import ROOT
from grader.sealed.loopwatch import LoopReport, LoopWatch, syscall_names
from grader.sealed.sandbox import LEARNER, confine
from grader.sealed.site import server_pid, uvicorn_command
from grader.workspace import copy_course
from tests.conftest import Course
from tests.servers import (
    FakeAPI,
    Server,
    Site,
    course_environment,
    fake_api,
    free_port,
)

LATENCY = 0.2  # seconds per answer of the fake API: a sync client blocks 1 s for 5 requests
AT_ONCE = 5  # requests sent at once while the loop is watched
MAX_REQUESTS = 30  # uvicorn stops by itself after this many (each server gets at most 17)
ORDER = "/blocking_sleep/"  # exercise 03
FORECAST = "/async_http_client/"  # exercise 04
FIRST = "/first_async_view/"  # exercise 01
EX03_VIEWS = "exercises/ex03_blocking_sleep/views.py"
FUTEX = "futex (waiting for a lock, an Event, a queue or a Future's result"  # as a verdict says
WAITING_FOR_WORK = {"epoll_wait", "epoll_pwait", "epoll_pwait2"}  # asyncio's, or uvloop's
PR_SET_PDEATHSIG = 1

VIEW = """import asyncio, ctypes, multiprocessing, os, select, signal, threading, time
from concurrent.futures import ThreadPoolExecutor

import httpx
from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse

from course.weather import FORECAST_URL

PREPARATION_TIME = 0.2  # seconds
POOL = ThreadPoolExecutor(8)


async def order_status(request: HttpRequest) -> JsonResponse:
    started = time.perf_counter()
    {block}
    await asyncio.sleep(PREPARATION_TIME)  # what the in-process fake clock waits for
    return JsonResponse({{"order": "ready"}})
"""


def sandbox_missing() -> str | None:
    """Why a server cannot be run as nobody in a PID namespace here, or None."""
    sandbox = confine()
    if sandbox.user and sandbox.pid_namespace:
        return None
    return f"the sandbox here runs no server as nobody in a PID namespace: {sandbox.describe()}"


@dataclass(frozen=True)
class Tree:
    """A copy of the course to serve, by a uvicorn of its own."""

    block: str | None = None  # a line blocking the loop, written into exercise 03's view
    solved: bool = False  # exercises 03 and 04 solved
    sandboxed: bool = False  # run as nobody in a PID namespace of its own


SOLVED = Tree(solved=True)
SHIPPED = Tree(sandboxed=sandbox_missing() is None)  # as shipped: exercise 03 sleeps, 04 is sync
HEALTHY = [pytest.param(SOLVED, ORDER, id="ex03"), pytest.param(SOLVED, FORECAST, id="ex04")]
BLOCKING = [  # (tree, path, a word its verdict must say): each an attack the probes miss
    pytest.param(SHIPPED, ORDER, "clock_nanosleep", id="time.sleep"),  # ex03 as shipped
    pytest.param(SHIPPED, FORECAST, "poll", id="httpx.Client"),  # ex04 as shipped
    pytest.param(Tree("select.select([], [], [], PREPARATION_TIME)"), ORDER, "pselect6",
                 id="select.select"),  # a sleep blockbuster does not patch
    pytest.param(Tree('os.system("sleep 0.2")'), ORDER, "wait4",
                 id="os.system"),  # a child process, waited for on the loop
    pytest.param(Tree("while time.perf_counter() - started < PREPARATION_TIME: pass"), ORDER,
                 "busy loop", id="busy-loop"),  # no syscall at all: CPU time
    pytest.param(Tree("ctypes.CDLL(None).usleep(200000)"), ORDER, "clock_nanosleep",
                 id="ctypes-usleep"),  # libc's sleep, behind Python's back
    pytest.param(Tree("signal.sigtimedwait([], PREPARATION_TIME)"), ORDER, "rt_sigtimedwait",
                 id="sigtimedwait"),  # waiting for a signal that never comes
    pytest.param(Tree("threading.Event().wait(PREPARATION_TIME)"), ORDER, FUTEX,
                 id="Event.wait"),  # a futex in heap memory, as Thread.start() waits in
    pytest.param(Tree("POOL.submit(time.sleep, PREPARATION_TIME).result()"), ORDER, FUTEX,
                 id="Future.result"),  # work handed to a thread, waited for on the loop
    pytest.param(Tree("multiprocessing.Semaphore(0).acquire(timeout=PREPARATION_TIME)"), ORDER,
                 FUTEX, id="multiprocessing.Semaphore"),  # red team: a futex in /dev/shm
]  # fmt: skip
HOLDING = [  # (tree, path, a word its verdict must say): waits that hold a worker thread,
    # the in-process tests' `ThreadWaits`; none blocks the loop, so none of them is BLOCKING
    pytest.param(SHIPPED, FIRST, None, id="async_to_sync"),  # not seen: a futex
    pytest.param(Tree("await asyncio.to_thread(time.sleep, PREPARATION_TIME)"), ORDER,
                 "clock_nanosleep", id="to_thread-sleep"),  # tests/cases ex03 sleep_in_a_thread
    pytest.param(Tree("await sync_to_async(time.sleep)(PREPARATION_TIME)"), ORDER,
                 "clock_nanosleep", id="sync_to_async-sleep"),  # asgiref's docs' own example
    pytest.param(Tree("await asyncio.to_thread(httpx.get, FORECAST_URL)"), ORDER, "poll",
                 id="to_thread-httpx.get"),  # a sync client in a thread (httpx's docs' get)
    pytest.param(Tree("await asyncio.to_thread(select.select, [], [], [], PREPARATION_TIME)"),
                 ORDER, "pselect6", id="to_thread-select"),
    pytest.param(Tree('await asyncio.to_thread(os.system, "sleep 0.2")'), ORDER, "wait4",
                 id="to_thread-os.system"),
    pytest.param(Tree("await asyncio.to_thread(asyncio.run, asyncio.sleep(PREPARATION_TIME))"),
                 ORDER, "event loop of its own", id="asyncio.run-in-a-thread"),
    pytest.param(Tree("await asyncio.to_thread(threading.Event().wait, PREPARATION_TIME)"),
                 ORDER, "a wait with a timeout", id="to_thread-Event.wait"),
    pytest.param(Tree("await asyncio.to_thread(POOL.submit(time.sleep, PREPARATION_TIME).result,"
                      " 5)"), ORDER, "clock_nanosleep", id="to_thread-Future.result"),
    pytest.param(Tree("await asyncio.to_thread(multiprocessing.Semaphore(0).acquire, True,"
                      " PREPARATION_TIME)"), ORDER, "a wait with a timeout",
                 id="to_thread-multiprocessing.Semaphore"),  # red team: a futex in /dev/shm
    pytest.param(Tree("r, w = os.pipe(); asyncio.get_running_loop().call_later(PREPARATION_TIME,"
                      " os.write, w, b'x'); await asyncio.to_thread(os.read, r, 1)"), ORDER,
                 "in read", id="to_thread-pipe-read"),  # red team: a wait moved into read()
]  # fmt: skip
PATHS: dict[Tree, set[str]] = {}  # each tree, with the views its tests request
for _param in HEALTHY + BLOCKING + HOLDING:
    PATHS.setdefault(_param.values[0], set()).add(_param.values[1])


def syscalls_readable() -> str | None:
    """Why this machine cannot run these tests, or None."""
    if not sys.platform.startswith("linux"):
        return "the loop watch reads Linux's /proc"
    if not syscall_names(platform.machine()):
        return f"no syscall table for {platform.machine()}"
    if not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/syscall"):
        return "this kernel has no /proc/<pid>/task/<tid>/syscall"
    return None


pytestmark = [
    pytest.mark.skipif(syscalls_readable() is not None, reason=str(syscalls_readable())),
    pytest.mark.timeout(180),  # eighteen servers start at once, on a loaded machine too
]


@dataclass
class Served:
    """A tree's server: the site to send requests to, and the pid /proc names its loop by."""

    site: Site
    pid: int


def prepare(tree: Tree, destination: Path) -> Path:
    course = Course(copy_course(ROOT, destination))
    if tree.solved:
        course.solve("ex03_blocking_sleep", "ex04_async_http_client")
    if tree.block:
        course.write(EX03_VIEWS, VIEW.format(block=tree.block))
    return course.path


def start(tree: Tree, path: Path, api: FakeAPI) -> Server:
    port = free_port()
    command = uvicorn_command(sys.executable, port, MAX_REQUESTS)
    environment = course_environment(path, AWAITLINGS_API=api.url)
    if tree.sandboxed:
        command = confine().command(command)  # as sealed grading runs it: nobody, a namespace
        environment.update(HOME=str(path), PYTHONDONTWRITEBYTECODE="1")
    process = subprocess.Popen(
        command,
        cwd=path,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=die_with_this_process,
    )
    return Server(f"uvicorn serving {tree}", process, port)


def die_with_this_process() -> None:  # in the child, between fork and exec
    """SIGKILL when this process dies, even by SIGKILL: unshare ignores SIGTERM."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def loop_pid(tree: Tree, server: Server) -> int:
    """uvicorn's pid as this process's /proc names it: unshare's child when sandboxed."""
    if not tree.sandboxed:
        return server.process.pid
    return server_pid(confine(), server.process.pid)


def stop(servers: list[Server]) -> None:
    """Stop every server, all at once. unshare ignores SIGTERM: it is killed, and uvicorn,
    the first process of its namespace, with it (and every other process there)."""
    for server in servers:
        if server.process.args[0] == "unshare":
            server.process.kill()
        else:
            server.process.terminate()
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Tree, Served]]:
    """Every tree served by its own uvicorn, all started at once, each view warmed up."""
    with contextlib.ExitStack() as stack:
        homes: dict[Tree, Path] = {}
        for index, tree in enumerate(PATHS):
            if tree.sandboxed:  # a folder nobody can read: pytest's temporary folders are root's
                homes[tree] = Path(tempfile.mkdtemp(prefix="awaitlings-loopwatch-"))
                stack.callback(shutil.rmtree, homes[tree], ignore_errors=True)
                homes[tree].chmod(0o755)
            else:
                homes[tree] = tmp_path_factory.mktemp(f"tree{index}")
        api = stack.enter_context(fake_api(ROOT, LATENCY))
        servers: dict[Tree, tuple[Path, Server]] = {}
        stack.callback(lambda: stop([server for _, server in servers.values()]))
        for tree, home in homes.items():
            path = prepare(tree, home / "course")
            servers[tree] = path, start(tree, path, api)
        found: dict[Tree, Served] = {}
        for tree, (path, server) in servers.items():
            server.wait_until_listening()
            site = Site(path, server, api, api_paths(tree))
            for view in sorted(PATHS[tree]):
                warm = site.request("GET", view)
                assert warm.status == 200, f"{view} answered {warm}:\n{server.output()}"
            found[tree] = Served(site, loop_pid(tree, server))
        yield found


def api_paths(tree: Tree) -> dict[str, int]:
    """The views of `tree` that call the fake API, each with its calls per request."""
    paths = {FORECAST: 1, FIRST: 1}
    if tree.block and "FORECAST_URL" in tree.block:
        paths[ORDER] = 1
    return paths


def watch(served: Served, path: str) -> tuple[LoopReport, int, str]:
    """Send AT_ONCE requests to `path` at once while watching the loop: its report, the API
    calls they made (as the fake API counts them), and what was seen, for messages."""
    before = len(served.site.settle())
    with LoopWatch(served.pid) as watcher:
        total, replies = served.site.at_once(AT_ONCE, "GET", path)
    assert all(reply.status == 200 for reply in replies), f"{path}: {replies}"
    calls = len(served.site.settle()) - before
    report = watcher.report()
    seen = f"{AT_ONCE} requests to {path} took {total:.2f} s together; the watch saw {report}"
    return report, calls, seen


@pytest.mark.parametrize(("tree", "path"), HEALTHY)
def test_a_healthy_loop_is_never_judged_blocking(
    served: dict[Tree, Served], tree: Tree, path: str
) -> None:
    report, calls, seen = watch(served[tree], path)

    assert report.unreadable is None and report.samples > 0, seen
    assert WAITING_FOR_WORK & set(report.blocked), f"a healthy loop waits in epoll: {seen}"
    assert report.blocking(AT_ONCE, calls) is None, seen


@pytest.mark.parametrize(("tree", "path"), HEALTHY)
def test_a_healthy_server_holds_no_worker_thread_waiting(
    served: dict[Tree, Served], tree: Tree, path: str
) -> None:
    report, _calls, seen = watch(served[tree], path)

    assert report.unreadable is None and report.thread_waits == {}, seen
    assert report.held_threads(AT_ONCE) is None, seen


@pytest.mark.parametrize(("tree", "path", "named"), HOLDING)
def test_every_wait_that_holds_a_worker_thread_is_caught_and_named(
    served: dict[Tree, Served], tree: Tree, path: str, named: str | None
) -> None:
    report, calls, seen = watch(served[tree], path)

    verdict = report.held_threads(AT_ONCE)

    assert report.blocking(AT_ONCE, calls) is None, f"the loop was judged blocked: {seen}"
    if named is None:  # what the watch cannot see, said in `held_threads`' docstring
        assert verdict is None, seen
        return
    assert verdict is not None, f"{tree} was not judged holding a thread: {seen}"
    assert named in verdict and f"while it served {AT_ONCE} requests" in verdict, verdict


@pytest.mark.parametrize(("tree", "path", "named"), BLOCKING)
def test_every_kind_of_blocking_is_caught_and_named(
    served: dict[Tree, Served], tree: Tree, path: str, named: str
) -> None:
    report, calls, seen = watch(served[tree], path)

    verdict = report.blocking(AT_ONCE, calls)

    assert verdict is not None, f"{tree} was not judged blocking: {seen}"
    assert named in verdict and f"while it served {AT_ONCE} requests" in verdict, verdict


@pytest.mark.skipif(not SHIPPED.sandboxed, reason=str(sandbox_missing()))
def test_a_server_run_as_nobody_in_a_pid_namespace_is_still_watched(
    served: dict[Tree, Served],
) -> None:
    server = served[SHIPPED]
    status = Path(f"/proc/{server.pid}/status").read_text()
    ids = {line.split(":")[0]: line.split()[1:] for line in status.splitlines()}
    assert ids["Uid"][0] == str(LEARNER[0]) and ids["NSpid"] == [str(server.pid), "1"], status

    report, calls, seen = watch(server, ORDER)

    assert report.unreadable is None, seen
    verdict = report.blocking(AT_ONCE, calls)
    assert verdict is not None and "clock_nanosleep" in verdict, seen


def test_syscalls_are_named_by_machine_and_unknown_numbers_by_number() -> None:
    x86, arm = syscall_names("x86_64"), syscall_names("aarch64")
    assert [x86[n] for n in (232, 230, 270, 61, 128, 7, 202)] == [
        "epoll_wait", "clock_nanosleep", "pselect6", "wait4", "rt_sigtimedwait", "poll", "futex"
    ]  # fmt: skip
    assert [arm[n] for n in (22, 115, 72, 260, 137, 73, 98)] == [
        "epoll_pwait", "clock_nanosleep", "pselect6", "wait4", "rt_sigtimedwait", "ppoll", "futex"
    ]  # fmt: skip
    assert syscall_names("sparc") == {}

    report = LoopReport(1, 0.0, 1.0, {"epoll_wait": 0.5, "syscall 999": 0.5})
    assert "0.50 s in syscall 999 (a blocking call)" in str(report.blocking(1))


@pytest.mark.parametrize(
    ("blocked", "for_good"),
    [
        ({"clock_nanosleep": 0.1}, True),  # time.sleep: a wait that only grows
        ({"poll": 0.06, "recvfrom": 0.05}, True),  # a sync client: together past the limit
        ({"poll": 0.09}, False),
        ({"epoll_wait": 5.0}, False),  # waiting for work
        ({"futex": 0.5}, False),  # a futex's episode may yet be told another kind
        ({"futex (short waits)": 0.5, "poll": 0.05}, False),
    ],
)
def test_a_loop_is_blocked_for_good_once_its_named_waits_reach_the_limit(
    blocked: dict[str, float], for_good: bool
) -> None:
    report = LoopReport(10, 0.0, 1.0, blocked)

    assert report.blocked_for_good(1) is for_good
    if for_good:  # what a check ends its wait on, the verdict says too
        assert report.blocking(1) is not None


def test_waits_in_heap_futexes_count_by_episode() -> None:
    """Looks at waits in heap futexes back to back (any address) are one episode, counted when
    it lasts 0.05 s or longer; shorter ones, between idle looks, once they add up to 0.2 s."""
    numbers = {name: number for number, name in syscall_names(platform.machine()).items()}
    buffers = [ctypes.create_string_buffer(64) for _ in range(2)]  # two futexes in heap memory
    futexes = [f"{numbers['futex']} {hex(ctypes.addressof(b))} 0x80 0x0".split() for b in buffers]
    idle = f"{numbers['epoll_wait']} 0x3 0x7ffc0000 0x400 0x5".split()
    piece = [futexes[0]] * 4 + [idle]  # 0.04 s in a heap futex, then the loop waits for work

    def seen(looks: list[list[str]]) -> LoopReport:
        watch = LoopWatch(os.getpid())
        for fields in looks:
            watch._count([field.encode() for field in fields], 0.01)  # each look: 0.01 s
        return watch.report()

    alternating = seen([futexes[index % 2] for index in range(12)] + [idle])
    assert alternating.blocked.get("futex") == pytest.approx(0.12), alternating
    assert FUTEX in str(alternating.blocking(1)), alternating

    pieces = seen(piece * 4)
    assert "futex" not in pieces.blocked and pieces.blocking(1) is None, pieces
    assert pieces.longest_lock == pytest.approx(0.04), pieces

    more = seen(piece * 6)
    assert "futex" not in more.blocked and "many times briefly" in str(more.blocking(1)), more


def test_a_process_that_ends_while_watched_keeps_the_cpu_time_it_used() -> None:
    work = "for _ in range(5_000_000): pass"  # about 0.15 s of CPU, however loaded the machine
    process = subprocess.Popen([sys.executable, "-c", work], preexec_fn=die_with_this_process)
    try:
        with LoopWatch(process.pid) as watcher:
            process.wait(timeout=30)
            time.sleep(0.05)  # the watch goes on after the end
    finally:
        process.kill()
        process.wait()

    report = watcher.report()
    assert report.samples > 0 and report.cpu_seconds > 0.05, report
