"""The warm worker: a process with pytest, its plugins and the course's harness imported,
which forks a child for each grading run.

Starting Python, pytest and its plugins costs most of a one-exercise run, and
`python grader watch` runs one exercise on every save: this process pays that
start once, and each run is a fork of it. The child is what a plain run's
process is (`grader.run`): in a session of its own, which the grader has
killed whole at the end; its output in the grader's pipe; its results in its
own file; `python -m pytest` with the same arguments and environment. So a
learner's crash, `os._exit`, endless loop or flood of output costs that run
only, as before; this process runs no learner code.

Nothing is imported here that a run must import afresh: nothing of
`exercises/` (the learner edits it between runs), and Django is neither
configured nor set up (the settings name the test database after the process,
and setting up the app registry imports the exercises' models). Each child
does that itself. And no thread runs here: a fork copies only the thread that
calls it, so a lock another thread held would stay locked in the child. The
worker checks all of this once warm, and refuses to serve (it exits; the
grader then runs pytest as a plain subprocess) if any of it does not hold.

The grader's side is `grader.warm`. They speak over a Unix socket
(SOCK_SEQPACKET), one JSON object a message:

    worker → grader   {"ready": true}                 warm, serving
    grader → worker   {"args": […], "env": {…}, "cwd": "…"}, the output pipe's
                      write end attached (SCM_RIGHTS): start a run
    worker → grader   {"started": pid}                in its own session
    worker → grader   {"exited": returncode}          it ended (not reaped yet)
    grader → worker   {"end": true}                   kill its session, reap it
    worker → grader   {"ended": returncode}

Run as `python -m grader.worker FD` from the course's root, FD being the
worker's end of the socket. When the grader's end closes, the worker kills the
run in progress, if any, and exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
import warnings
from typing import Any, NoReturn

MAX_MESSAGE = 1 << 20  # bytes: a run's arguments and environment are a few kilobytes
# What pytest imports for every run, beyond its plugins: the harness (which the root
# conftest.py names as a plugin, so pytest rewrites its asserts), with what it imports.
HARNESS = "course.testing.plugin"
# What runs import later, and may be imported before Django is configured: the clients the
# harness fakes (imported when a test first asks for `upstream`), and Django's database
# back-end, migrations and the contrib apps' modules that need no settings.
LATER = (
    "aiohttp",
    "requests",
    "django.db.backends.sqlite3.base",
    "django.db.migrations.executor",
    "django.db.migrations.autodetector",
    "django.core.management.commands.migrate",
    "django.core.management.commands.flush",
    "django.core.management.commands.createcachetable",
    "django.core.cache.backends.db",
    "django.contrib.auth.hashers",
    "django.contrib.auth.password_validation",
    "django.contrib.sessions.backends.base",
    "django.contrib.staticfiles.storage",
    "django.middleware.csrf",
    "django.views.defaults",
    "django.shortcuts",
    "django.contrib.auth.apps",
    "django.contrib.contenttypes.apps",
    "django.contrib.sessions.apps",
)
# Modules no run of an exercise may find imported already (see the docstring).
FRESH = ("exercises", "conftest", "course.settings", "course.urls")


class Warmed(Exception):
    """Raised where pytest would load the conftest files: all is imported that may be."""


def warm_up(arguments: list[str]) -> None:
    """Import what every run imports, as `python -m pytest ARGUMENTS` would import it.

    pytest is started with these arguments and stopped where it would load the
    conftest files and pytest-django would set Django up (both are each run's
    own): its plugins are imported by then, through the assert-rewriting import
    hook as in a run, and the harness is imported the same way.
    """
    import pytest
    from _pytest.config import _prepareconfig

    class StopBeforeConftests:
        @pytest.hookimpl(wrapper=True, tryfirst=True)
        def pytest_load_initial_conftests(self, early_config: pytest.Config) -> Any:
            early_config.pluginmanager.rewrite_hook.mark_rewrite(HARNESS)
            __import__(HARNESS)
            # A run imports these inside a test, whose warning filters end with it:
            # so do the filters they add on import (requests and urllib3 add some).
            with warnings.catch_warnings():
                for name in LATER:
                    __import__(name)
            raise Warmed
            yield  # a hook wrapper is a generator; this one never lets pytest go on

    with contextlib.suppress(Warmed):
        _prepareconfig(list(arguments), plugins=[StopBeforeConftests()])
    know_the_modules_files()
    # The TLS context every httpx client of a run asks for: the CA bundle is read once here
    # (0.1 s), not in each run (the harness keeps contexts for the process).
    from course.testing.tls import make_the_default_context

    make_the_default_context()


def know_the_modules_files() -> None:
    """Fill `inspect`'s cache of which module each file is, for the modules imported now.

    pytest asks `inspect` for the source of each line of a failing test's
    traceback; its first question walks every module imported, most of a second
    here. A run would fill the cache with the same entries for these modules
    (their files do not change); only the learner's are left to it.
    """
    import inspect

    inspect.getmodule(know_the_modules_files.__code__, __file__)


def unsafe_to_fork() -> str:
    """Why this process must not serve runs, or ''."""
    imported = [n for n in sys.modules if any(n == f or n.startswith(f"{f}.") for f in FRESH)]
    if imported:
        return f"imported already: {', '.join(sorted(imported))}"
    if "django.conf" in sys.modules:
        from django.apps import apps
        from django.conf import settings

        if settings.configured or apps.apps_ready:
            return "Django was configured"
    if any(type(finder).__name__ == "AssertionRewritingHook" for finder in sys.meta_path):
        return "pytest's import hook was left in place"  # each run installs its own
    threads = threads_running()
    if threads != 1:
        return f"{threads} threads running"
    return ""


def threads_running() -> int:
    """Threads of this process, as the kernel counts them (a C library's too)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def send(channel: socket.socket, message: dict[str, Any]) -> None:
    channel.send(json.dumps(message).encode())


def serve(channel: socket.socket) -> dict[str, Any]:
    """Start a run for each request of the grader, one at a time.

    Returns only in a child, with its request; the worker itself exits when the
    grader's end of the socket closes.
    """
    while True:
        message, descriptors, _, _ = socket.recv_fds(channel, MAX_MESSAGE, 1)
        if not message:
            for descriptor in descriptors:
                os.close(descriptor)
            sys.exit(0)
        request = json.loads(message)
        [output] = descriptors
        pid = fork_child(output)
        if pid == 0:
            channel.close()
            return request
        os.close(output)
        try:
            send(channel, {"started": pid})
            supervise(channel, pid)
        except OSError:  # the grader is gone: so is its run
            kill_session(pid)
            sys.exit(0)


def fork_child(output: int) -> int:
    """Fork; the child is in a session of its own, its output going to `output`, before
    the worker goes on (so killing its session kills all it will ever start)."""
    in_session, told = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        os.close(in_session)
        os.close(told)  # the worker reads the end of the pipe: the child is in its session
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        return 0
    os.close(told)
    os.read(in_session, 1)
    os.close(in_session)
    return pid


def supervise(channel: socket.socket, pid: int) -> None:
    """Tell the grader when the child ends; end it (its whole session) when the grader says."""
    watched = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    exited = False
    try:
        while True:
            waiting: list[Any] = [channel]
            if watched is not None and not exited:
                waiting.append(watched)
            poll = None if exited or watched is not None else 0.02
            readable, _, _ = select.select(waiting, [], [], poll)
            if not exited and (info := ended(pid)) is not None:
                exited = True
                send(channel, {"exited": info})
            if channel in readable:
                message = channel.recv(MAX_MESSAGE)
                if not message:
                    raise BrokenPipeError("the grader closed its end")
                if json.loads(message).get("end"):
                    code = kill_session(pid)
                    if watched is not None:  # closed before the grader hears: the run
                        os.close(watched)  # leaves nothing open in the worker once it has
                        watched = None
                    send(channel, {"ended": code})
                    return
    finally:
        if watched is not None:
            os.close(watched)


def ended(pid: int) -> int | None:
    """The child's return code (as `Popen.returncode` says it) if it ended, else None;
    it stays unreaped, so its pid and session cannot be another's until it is killed."""
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    if info is None:
        return None
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def kill_session(pid: int) -> int:
    """Kill the child's session (the child is its leader), reap the child, return its code."""
    for kill in (os.killpg, os.kill):  # os.kill: it may not be in its session yet
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def run_child(request: dict[str, Any]) -> NoReturn:
    """In the child: `python -m pytest ARGS`, as a fresh process runs it, and its end.

    Python's own end would then free every object, one by one: in a fork, that
    copies every page it shares with the worker, most of a second here. So the
    child ends as multiprocessing's forked children do: it does what the end of
    a Python process does that anyone can see (it waits for the threads still
    running, runs the `atexit` functions, flushes its output), then exits.
    """
    import atexit
    import runpy
    import threading

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    sys.argv = ["-m", *request["args"]]
    try:
        runpy.run_module("pytest", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = exit_status(stop.code)
    except KeyboardInterrupt:  # as Python ends on one: by SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        code = 1
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  # what Python's end calls first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def exit_status(code: object) -> int:
    """The exit status of `sys.exit(code)`, as Python gives it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr)
    return 1


def main() -> None:
    channel = socket.socket(fileno=int(sys.argv[1]))
    try:
        warm_up(sys.argv[2:])
        problem = unsafe_to_fork()
    except BaseException as error:  # a plugin's SystemExit too: say so, do not just vanish
        problem = f"{type(error).__name__}: {error}"
    if problem:
        send(channel, {"refused": problem})
        sys.exit(1)
    sys.stdout.flush()
    sys.stderr.flush()
    send(channel, {"ready": True})
    request = serve(channel)
    run_child(request)  # in a child only


if __name__ == "__main__":
    main()
