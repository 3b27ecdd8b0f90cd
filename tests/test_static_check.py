"""The static check flags forges and never flags honest code (issue 14, item 4).

Three sets: every file the project ships as a learner's attempt (solutions,
every case, passing or failing, and the exercises as shipped) comes out clean;
forge snippets modelled on the attacks measured in issue 14 are each flagged,
naming what they reach for; and views written the way outside documentation
writes them come out clean.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.static_check import Flag, flags

ROOT = Path(__file__).resolve().parent.parent


def learner_files() -> list[tuple[str, Path]]:
    """(the path it is graded as, the file): solutions, cases and shipped views."""
    found = []
    for source in sorted(ROOT.glob("solutions/*/*.py")):
        found.append((f"exercises/{source.parent.name}/{source.name}", source))
    for source in sorted(ROOT.glob("tests/cases/*/*.py")):  # every case replaces views.py
        found.append((f"exercises/{source.parent.name}/views.py", source))
    for source in sorted(ROOT.glob("exercises/*/views.py")):
        found.append((source.relative_to(ROOT).as_posix(), source))
    return found


LEARNER_FILES = learner_files()


def test_the_learner_files_are_found():
    kinds = {source.relative_to(ROOT).parts[0] for _, source in LEARNER_FILES}
    assert kinds == {"solutions", "tests", "exercises"}
    assert len(LEARNER_FILES) > 150


@pytest.mark.parametrize(
    ("path", "source"),
    LEARNER_FILES,
    ids=[source.relative_to(ROOT).as_posix() for _, source in LEARNER_FILES],
)
def test_honest_attempts_are_not_flagged(path: str, source: Path):
    assert flags(path, source.read_text(encoding="utf-8")) == []


# Forges: (name, source, words one flag must contain). Each models an attack of
# issue 14 ("What was measured"); `views.py` of an exercise is where it lives.
FORGES = [
    # In-process forges: "views.py replaces grader.pytest_plugin._write → 180/180".
    (
        "replace_write",
        """
        import grader.pytest_plugin

        grader.pytest_plugin._write = lambda record: None
        """,
        ["imports grader.pytest_plugin", "replaces grader.pytest_plugin._write"],
    ),
    # "atexit rewrites the file named in $AWAITLINGS_RESULTS → 180/180".
    (
        "atexit_rewrites_results",
        """
        import atexit
        import os

        def forge():
            with open(os.environ["AWAITLINGS_RESULTS"], "w") as results:
                results.write("")

        atexit.register(forge)
        """,
        ["imports atexit", "reads the environment variable AWAITLINGS_RESULTS"],
    ),
    # red team, issue 14 (second round): a thread that waits for the session's end, then
    # rewrites the results file in the test process's temporary folder whole.
    (
        "thread_rewrites_results_in_tmpdir",
        """
        import json, os, tempfile, threading, time

        def tidy():
            where = os.path.join(tempfile.gettempdir(), "results.jsonl")
            time.sleep(5)
            with open(where + ".new", "w", encoding="utf-8") as fresh:
                fresh.write(json.dumps({"event": "finished", "exitstatus": 0}))
            os.replace(where + ".new", where)

        threading.Thread(target=tidy).start()
        """,
        [
            "imports tempfile",
            "mentions 'results.jsonl'",
            "opens a file to write with open",
            "uses os.replace",
        ],
    ),
    # The same without naming the module or the file: $TMPDIR, pathlib, a built name.
    (
        "pathlib_rewrites_results_in_tmpdir",
        """
        import os
        from pathlib import Path

        where = Path(os.environ["TMPDIR"]) / ("results" + ".json" + "l")
        where.write_text("")
        """,
        ["reads the environment variable TMPDIR", "write_text"],
    ),
    # red team, issue 14 (third round): pytest's config from a thread's arguments, the
    # grader's plugin from its plugin manager, and its writer replaced through vars().
    (
        "plugin_through_a_timer",
        """
        import threading

        for thread in threading.enumerate():
            for config in getattr(thread, "args", ()):
                for name, plugin in config.pluginmanager.list_name_plugin():
                    if name == "grad" + "er.pytest_plugin":
                        vars(plugin).update({"_wr" + "ite": print})
        """,
        ["uses .pluginmanager", "uses .list_name_plugin", "writes vars()"],
    ),
    # The same round: a harness function's globals through a Django signal's receivers.
    (
        "harness_through_a_signal",
        """
        from django.core.signals import got_request_exception

        for _key, ref in got_request_exception.receivers:
            names = getattr(ref(), "__glo" + "bals__")
            names["ThreadWaits"].take = lambda self: []
        """,
        ["uses .receivers", "uses .__globals__ by getattr"],
    ),
    # The same round: the results pipe, found beside the tree and flooded past the limit.
    (
        "results_pipe_flooded",
        """
        import fcntl
        from pathlib import Path

        with (Path.cwd().parent / "results").open("a") as pipe:
            fcntl.fcntl(pipe, 1031, 1 << 20)
            pipe.write("\\n" * (17 << 20))
        """,
        ["imports fcntl", "opens a file to write with .open()"],
    ),
    # "finds pytest's Config through gc and registers a pytest_runtest_makereport
    # hook that marks every report passed → 180/180".
    (
        "config_through_gc",
        """
        import gc

        class Hook:
            def pytest_runtest_makereport(self, item, call):
                pass

        for thing in gc.get_objects():
            if type(thing).__name__ == "Config":
                thing.pluginmanager.register(Hook())
        """,
        ["imports gc (the garbage collector"],
    ),
    # "makes _pytest.python.Function.runtest do nothing → 180/180".
    (
        "runtest_does_nothing",
        """
        import _pytest.python

        _pytest.python.Function.runtest = lambda self: None
        """,
        ["imports _pytest.python", "replaces _pytest.python.Function.runtest"],
    ),
    # The same, imported by name: the class is patched, not the module.
    (
        "runtest_from_import",
        """
        from _pytest.python import Function

        Function.runtest = lambda self: None
        """,
        ["imports _pytest.python.Function", "replaces _pytest.python.Function.runtest"],
    ),
    # "makes pytest.fail a no-op → 20/180".
    (
        "pytest_fail_noop",
        """
        import pytest

        pytest.fail = lambda *args, **kwargs: None
        """,
        ["imports pytest", "replaces pytest.fail"],
    ),
    # "blinds the probes (BlockBuster.activate, ...) → 50/180".
    (
        "blind_blockbuster",
        """
        import blockbuster

        blockbuster.BlockBuster.activate = lambda self: None
        """,
        ["imports blockbuster", "replaces blockbuster.BlockBuster.activate"],
    ),
    # "blinds the probes (... FakeUpstream assertions, thread and task probes)",
    # reached through sys.modules.
    (
        "harness_through_sys_modules",
        """
        import sys

        upstream = sys.modules["course.testing.upstream"]
        upstream.FakeUpstream.assert_in_flight_at_once = lambda self, n: None
        """,
        ["uses sys.modules"],
    ),
    # "unwraps the query counter (ex14 N+1 passes)": the counter wraps with
    # functools.wraps, so `__wrapped__` reaches the original.
    (
        "unwrap_query_counter",
        """
        from django.db.backends.utils import CursorWrapper

        CursorWrapper.execute = CursorWrapper.execute.__wrapped__
        """,
        ["uses .__wrapped__", "replaces django.db.backends.utils.CursorWrapper.execute"],
    ),
    # "writes a .djcache file by hand (ex18)".
    (
        "djcache_by_hand",
        """
        from pathlib import Path

        def forge(folder: Path) -> None:
            (folder / "forecast.djcache").write_bytes(b"")
        """,
        [".djcache"],
    ),
    # "Real blocking the in-process probes cannot see": ctypes usleep.
    (
        "ctypes_usleep",
        """
        import ctypes

        ctypes.CDLL(None).usleep(200000)
        """,
        ["imports ctypes"],
    ),
    # ... os.system("sleep 0.2").
    (
        "os_system_sleep",
        """
        import os

        os.system("sleep 0.2")
        """,
        ["uses os.system"],
    ),
    # ... signal.sigtimedwait.
    (
        "sigtimedwait",
        """
        import signal

        signal.sigtimedwait([signal.SIGUSR1], 0.2)
        """,
        ["imports signal"],
    ),
    # Escapes: "os.kill(os.getppid(), 9) → exit 137, no output".
    (
        "kill_the_grader",
        """
        import os

        os.kill(os.getppid(), 9)
        """,
        ["uses os.kill", "uses os.getppid"],
    ),
    # "setsid + double fork leaves a process the group kill misses; it rewrites
    # the --json file, --gradescope file and $GITHUB_OUTPUT after the grader exits".
    (
        "setsid_double_fork",
        """
        import os

        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                with open(os.environ["GITHUB_OUTPUT"], "a") as out:
                    out.write("result=forged")
        """,
        ["uses os.fork", "uses os.setsid", "reads the environment variable GITHUB_OUTPUT"],
    ),
    # Escapes: "pytest.exit() in a view ends the session as if finished".
    (
        "pytest_exit",
        """
        from pytest import exit

        async def forecast(request):
            exit("done")
        """,
        ["imports pytest.exit"],
    ),
    # Escapes: "a RecursionError a million frames deep (with a raised limit)".
    (
        "deep_recursion",
        """
        import sys

        sys.setrecursionlimit(10**7)
        """,
        ["uses sys.setrecursionlimit"],
    ),
    # Hostile cases of item 6: os._exit, sys.exit, KeyboardInterrupt.
    (
        "exits",
        """
        import os
        import sys

        def a():
            os._exit(0)

        def b():
            sys.exit(0)

        def c():
            raise KeyboardInterrupt
        """,
        ["uses os._exit", "uses sys.exit", "raises KeyboardInterrupt"],
    ),
    # "solutions/ ships in the learner's repository: copying it over the
    # exercises → 180/180", done from the view: exec the solution's source.
    (
        "exec_the_solution",
        """
        exec(open("../../solutions/ex03_blocking_sleep/views.py").read())
        """,
        ["uses exec", "climbs out of the exercise folder", "the reference solutions"],
    ),
    # The same, imported as a module.
    (
        "import_the_solution",
        """
        from solutions.ex03_blocking_sleep.views import forecast
        """,
        ["imports solutions.ex03_blocking_sleep.views.forecast"],
    ),
    # Ways around an import statement this check reads.
    (
        "dunder_import_gc",
        """
        gc = __import__("gc")
        """,
        ["uses __import__"],
    ),
    (
        "exec_through_builtins",
        """
        run = getattr(__builtins__, "exec")
        """,
        ["uses __builtins__"],
    ),
    (
        "importlib_gc",
        """
        import importlib

        gc = importlib.import_module("gc")
        """,
        ["uses importlib.import_module"],
    ),
    (
        "getattr_os_kill",
        """
        import os

        getattr(os, "kill")(os.getpid(), 9)
        """,
        ["uses os.kill"],
    ),
    # Frames: reach the harness's variables from the view.
    (
        "caller_globals",
        """
        import sys

        harness = sys._getframe(1).f_globals
        """,
        ["uses sys._getframe", "uses .f_globals"],
    ),
    (
        "traceback_frames",
        """
        try:
            raise ValueError
        except ValueError as error:
            frame = error.__traceback__.tb_frame.f_back
        """,
        ["uses .tb_frame", "uses .f_back"],
    ),
    (
        "subclasses_escape",
        """
        classes = object.__subclasses__()
        """,
        ["uses .__subclasses__"],
    ),
    (
        "function_globals",
        """
        from course.weather import fetch_forecast

        fetch_forecast.__globals__["httpx"] = None
        """,
        ["uses .__globals__"],
    ),
    # Dunder writes on a module the view did not write.
    (
        "dict_write",
        """
        import httpx

        httpx.__dict__["AsyncClient"] = object
        vars(httpx).update(Client=object)
        """,
        ["writes .__dict__", "writes vars()"],
    ),
    (
        "class_assignment",
        """
        import httpx

        class Quiet:
            pass

        client = httpx.AsyncClient()
        client.__class__ = Quiet
        """,
        ["writes .__class__"],
    ),
    (
        "setattr_on_harness_import",
        """
        from course.weather import fetch_forecast
        import time

        setattr(time, "sleep", lambda seconds: None)
        """,
        ["replaces time.sleep"],
    ),
    # Monkeypatching modules the view did not write hides honest blocking.
    (
        "time_sleep_patched",
        """
        import time
        import httpx

        time.sleep = lambda seconds: None
        httpx.Client = httpx.AsyncClient
        """,
        ["replaces time.sleep", "replaces httpx.Client"],
    ),
    # The process table, where the grader's files and processes are.
    (
        "proc_self",
        """
        with open("/proc/self/environ", "rb") as environ:
            data = environ.read()
        """,
        ["an absolute path", "the process table"],
    ),
    # The grader's kept verdicts.
    (
        "kept_verdicts",
        """
        from pathlib import Path

        results = Path(__file__).parent / ".." / ".." / ".awaitlings" / "results.json"
        """,
        ["climbs out of the exercise folder", "the grader's state folder"],
    ),
    # Environment: writes that reach the grader or later processes.
    (
        "environment_writes",
        """
        import os

        os.environ["PYTEST_ADDOPTS"] = "-p no:blockbuster"
        os.environ.update({"PYTHONPATH": "/tmp"})
        os.environ[os.environ.get("X", "AWAITLINGS_RESULTS")] = "/dev/null"
        """,
        [
            "sets the environment variable PYTEST_ADDOPTS",
            "sets the environment variable PYTHONPATH",
            "writes an environment variable whose name is computed",
        ],
    ),
    (
        "whole_environment",
        """
        import os

        outputs = {k: v for k, v in os.environ.items() if k.endswith("_OUTPUT")}
        """,
        ["uses os.environ.items"],
    ),
    (
        "under_the_tests",
        """
        import os

        UNDER_TEST = "PYTEST_CURRENT_TEST" in os.environ
        """,
        ["reads the environment variable PYTEST_CURRENT_TEST"],
    ),
    # Processes started around the sandbox.
    (
        "subprocess_and_friends",
        """
        import multiprocessing
        import pty
        import subprocess

        multiprocessing.Process(target=print, daemon=True).start()
        """,
        ["imports subprocess", "uses multiprocessing.Process", "imports pty"],
    ),
    (
        "os_exec_spawn",
        """
        import os

        os.execv("/bin/sh", ["sh"])
        os.spawnl(os.P_NOWAIT, "/bin/sleep", "sleep", "60")
        os.posix_spawn("/bin/sleep", ["sleep"], {})
        """,
        ["uses os.execv", "uses os.spawnl", "uses os.posix_spawn"],
    ),
    (
        "tracing",
        """
        import threading
        import faulthandler
        import resource

        threading.settrace(lambda *args: None)
        """,
        ["uses threading.settrace", "imports faulthandler", "imports resource"],
    ),
    (
        "inspect_frames",
        """
        import inspect

        caller = inspect.currentframe().f_back
        """,
        ["uses inspect", "uses .f_back"],
    ),
    (
        "the_tests_themselves",
        """
        from .test_blocking_sleep import test_does_not_block
        """,
        ["imports exercises.ex03_blocking_sleep.test_blocking_sleep"],
    ),
    # Red team, issue 14 session 13: 17 views forged the verdict with 0 flags, by
    # `from os import sys`, then `plugin._write = passed` on the module it held.
    (
        "sys_from_os",
        """
        from os import sys as _s

        def _forge():
            plugin = _s.modules.get("grader.pytest_plugin")
            write = plugin._write
            plugin._write = lambda record: write({**record, "outcome": "passed"})
        """,
        [
            "imports sys from os",
            "uses sys.modules",
            "sets ._write of plugin",
            "mentions 'grader.pytest_plugin'",
        ],
    ),
    # Red team, issue 14 session 13: any module's `sys` (os.sys, asyncio.sys,
    # os.path's through an alias) and the like reach sys around its import.
    (
        "sys_as_a_module_attribute",
        """
        import asyncio
        import os
        import os.path as p
        import threading

        modules = os.sys.modules
        loop_sys = asyncio.sys
        path_sys = p.sys
        threading._thread.interrupt_main()
        """,
        [
            "reaches sys as an attribute of os",
            "uses sys.modules",
            "reaches sys as an attribute of asyncio",
            "reaches sys as an attribute of p",
            "uses _thread.interrupt_main",
        ],
    ),
    (
        "gc_builtins_ctypes_as_attributes",
        """
        import logging
        from multiprocessing import sharedctypes

        def forge(module):
            module.gc.get_objects()
            module.builtins.exec("")
            return sharedctypes.ctypes, logging.importlib
        """,
        [
            "reaches gc as an attribute of module",
            "reaches builtins as an attribute of module",
            "reaches ctypes as an attribute of sharedctypes",
            "reaches importlib as an attribute of logging",
        ],
    ),
    # Red team, issue 14 session 13: `sys` bound by `from uuid import *`, and
    # `getattr(os, "sys")`, `os.__getattribute__("sys")`.
    (
        "sys_by_star_and_getattr",
        """
        from uuid import *
        import os

        star = sys.modules
        through_getattr = getattr(os, "sys")
        through_dunder = os.__getattribute__("sys")
        """,
        ["uses sys from `from uuid import *`", "reaches sys as an attribute of os"],
    ),
    # Red team, issue 14 session 13: the plugin's private attribute set on the
    # object held in a variable, by assignment, setattr and its dunders.
    (
        "private_attribute_of_another_object",
        """
        def forge(plugin, forged, name):
            plugin._write = forged
            del plugin._flush
            setattr(plugin, "_write", forged)
            object.__setattr__(plugin, "_seen", set())
            plugin.__setattr__("_done", True)
        """,
        [
            "sets ._write of plugin",
            "sets ._flush of plugin",
            "sets ._seen of plugin",
            "sets ._done of plugin",
        ],
    ),
    (
        "setattr_by_computed_name",
        """
        import functools

        def forge(plugin, forged):
            setattr(plugin, "_wr" + "ite", forged)
            setattr(plugin, chr(95) + "write", forged)
            functools.partial(setattr, plugin)("_write", forged)
        """,
        [
            "sets ._write of plugin",
            "sets an attribute of plugin by a computed name",
            "uses setattr as a value",
        ],
    ),
    # A method's `self` is its own object, unless it is not a method's or it is rebound.
    (
        "self_that_is_not_self",
        """
        def forge(self, forged):
            self._write = forged

        class Forge:
            @staticmethod
            def plant(self, forged):
                self._flush = forged

            def swap(self, plugin, forged):
                self = plugin
                self._done = forged
        """,
        ["sets ._write of self", "sets ._flush of self", "sets ._done of self"],
    ),
    # Red team, issue 14 session 13: `os.environ["AWAITLINGS_" + "RESULTS"]` (a
    # crash and a hang of the root grader), and the other computed names.
    (
        "environment_name_concatenated",
        """
        import os

        path = os.environ["AWAITLINGS_" + "RESULTS"]
        """,
        [
            "reads an environment variable whose name is computed",
            "reads the environment variable AWAITLINGS_RESULTS",
        ],
    ),
    (
        "environment_name_fstring",
        """
        import os

        WHICH = "RESULTS"
        path = os.environ.get(f"AWAITLINGS_{WHICH}")
        """,
        [
            "reads an environment variable whose name is computed",
            "reads the environment variable AWAITLINGS_RESULTS",
        ],
    ),
    (
        "environment_name_format_and_join",
        """
        import os

        one = os.getenv("AWAITLINGS_{}".format("RESULTS"))
        two = "".join(["GITHUB", "_OUTPUT"]) in os.environ
        """,
        [
            "reads the environment variable AWAITLINGS_RESULTS",
            "reads the environment variable GITHUB_OUTPUT",
        ],
    ),
    (
        "environment_name_unknown",
        """
        import os

        def forge(name):
            return os.environ[name], os.getenv(name), os.environ.get(name[::-1])
        """,
        ["reads an environment variable whose name is computed"],
    ),
    # ... and `os` reached through another module, with its environment.
    (
        "environment_through_another_module",
        """
        import asyncio

        path = asyncio.os.environ["AWAITLINGS_RESULTS"]
        """,
        ["reads the environment variable AWAITLINGS_RESULTS"],
    ),
    # Red team, issue 14 session 13: lookups that hide the name they reach.
    (
        "getattr_by_computed_name",
        """
        import sys
        from os import path

        modules = getattr(sys, "mod" + "ules")
        hidden = getattr(path, "".join(["s", "y", "s"]))
        """,
        [
            "uses sys.modules",
            "looks up a computed name in sys",
            "looks up a computed name in os.path",
            "reaches sys as an attribute of path",
        ],
    ),
    (
        "namespaces_as_data",
        """
        import os
        import sys

        modules = vars(sys)["modules"]
        also = sys.__dict__["modules"]
        alias = os
        """,
        ["reads the namespace of sys", "uses the module os as a value"],
    ),
    (
        "getters_by_other_names",
        """
        import operator
        import string

        def forge(module):
            modules = operator.attrgetter("sys.modules")(module)
            field = string.Formatter().get_field("0.sys", (module,), {})
        """,
        ["uses operator.attrgetter to reach .sys", "uses string.Formatter"],
    ),
    (
        "imports_by_other_names",
        """
        import pickle
        import typing
        from django.utils.module_loading import import_string

        def hint(x: "__import__('gc')"):
            pass

        plugin = import_string("grader.pytest_plugin")
        typing.get_type_hints(hint)
        gc = len.__self__.__import__("gc")
        data = __loader__.get_data("views.py")
        """,
        [
            "imports pickle",
            "imports django.utils.module_loading.import_string",
            "mentions \"__import__('gc')\"",
            "uses typing.get_type_hints",
            "uses .__self__",
            "uses __loader__.get_data",
        ],
    ),
    # Red team, issue 14 session 13: an expression Python compiles but deeper
    # than this check's recursion would crash it, and hide the rest of the file.
    (
        "too_deep_to_read",
        "import os\n\nos.getenv('AWAITLINGS_RESULTS'" + ' + ""' * 1500 + ")\n",
        ["nests an expression too deeply for this check to read it"],
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"),
    [(source, expected) for _, source, expected in FORGES],
    ids=[name for name, _, _ in FORGES],
)
def test_forges_are_flagged(source: str, expected: list[str]):
    found = flags("exercises/ex03_blocking_sleep/views.py", textwrap.dedent(source))
    whats = [flag.what for flag in found]
    for words in expected:
        assert any(words in what for what in whats), f"no flag says {words!r}: {whats}"


# Honest blocking is a failing exercise, not cheating: the tests say why it fails.
HONEST_WRONG = {
    # issue 14 lists select.select among unseen blocking: a wrong answer, not a forge.
    "select": """
        import asyncio
        import select

        async def forecast(request):
            select.select([], [], [], 0.2)
            await asyncio.sleep(0)
        """,
    "time_sleep": """
        import time
        from time import sleep

        def forecast(request):
            time.sleep(1)
            sleep(1)
        """,
    "busy_loop": """
        import time

        async def forecast(request):
            end = time.monotonic() + 0.2
            while time.monotonic() < end:
                pass
        """,
    "thread_event_wait": """
        import threading

        async def forecast(request):
            threading.Event().wait(0.2)
        """,
    # Django docs, "Async safety": the honest wrong fix for SynchronousOnlyOperation.
    "allow_async_unsafe": """
        import os

        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings")
        """,
    "leftover_breakpoint": """
        async def forecast(request):
            breakpoint()
        """,
    # A class's methods set their own object's private attributes, by name or
    # not; a hand-made decorator names its wrapper (red team, issue 14 session 13:
    # the rules on private attributes and computed names leave these alone).
    "own_private_attributes": """
        import asyncio
        import operator

        import aiofiles.os

        def named(function):
            def wrapper(*args):
                return function(*args)
            wrapper.__name__ = function.__name__
            wrapper.__qualname__ = function.__qualname__
            wrapper.__doc__ = function.__doc__
            return wrapper

        class Cache:
            _instance = None

            def __init__(self, **options):
                self._entries = {}
                for key, value in options.items():
                    setattr(self, key, value)
                def done():
                    self._closed = True
                self._done = done

            @classmethod
            def shared(cls):
                cls._instance = cls._instance or cls()
                return cls._instance

            def __setattr__(self, key, value):
                super().__setattr__(key, value)

        class Frozen:
            def __post_init__(self):
                object.__setattr__(self, "_cache", {})

        BY_MAKER = operator.attrgetter("maker.name")
        HAS_TASK_GROUP = hasattr(asyncio, "TaskGroup")

        async def tidy(path):
            if await aiofiles.os.path.exists(path):
                await aiofiles.os.remove(path)
        """,
}


@pytest.mark.parametrize("source", HONEST_WRONG.values(), ids=HONEST_WRONG.keys())
def test_honest_wrong_code_is_not_flagged(source: str):
    assert flags("exercises/ex03_blocking_sleep/views.py", textwrap.dedent(source)) == []


# Correct async views written the way outside sources write them.
OUTSIDE = {
    # Django docs, "Asynchronous support" > "Async views": the `current_datetime` example.
    "django_async_view": """
        import datetime

        from django.http import HttpResponse

        async def current_datetime(request):
            now = datetime.datetime.now()
            html = '<html lang="en"><body>It is now %s.</body></html>' % now
            return HttpResponse(html)
        """,
    # Django docs, "Async adapter functions": sync_to_async around a sync function,
    # and "Queries & the async ORM": `async for` and `aget`.
    "django_sync_to_async_and_orm": """
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse

        from .models import Product

        def get_all_products():
            return list(Product.objects.values("name"))

        async def catalogue(request):
            products = await sync_to_async(get_all_products, thread_sensitive=True)()
            names = [product.name async for product in Product.objects.filter(stock__gt=0)]
            first = await Product.objects.aget(pk=1)
            return JsonResponse({"products": products, "names": names, "first": first.name})
        """,
    # Django docs, "Asynchronous support" > "Decorators" and markcoroutinefunction
    # for an async-capable middleware (Middleware docs, "Asynchronous support").
    "django_async_middleware": """
        from asgiref.sync import iscoroutinefunction, markcoroutinefunction

        class AsyncMiddleware:
            async_capable = True
            sync_capable = False

            def __init__(self, get_response):
                self.get_response = get_response
                if iscoroutinefunction(self.get_response):
                    markcoroutinefunction(self)

            async def __call__(self, request):
                response = await self.get_response(request)
                return response
        """,
    # httpx docs, "Async Support": `async with httpx.AsyncClient() as client`,
    # and "Timeouts": httpx.Timeout; "Exceptions": raise_for_status / HTTPError.
    "httpx_async_client": """
        import httpx
        from django.http import JsonResponse

        from course.weather import FORECAST_URL

        async def forecast(request):
            timeout = httpx.Timeout(10.0, connect=5.0)
            async with httpx.AsyncClient(timeout=timeout) as client:
                try:
                    r = await client.get(FORECAST_URL)
                    r.raise_for_status()
                except httpx.HTTPError as exc:
                    return JsonResponse({"error": str(exc)}, status=502)
            return JsonResponse(r.json())
        """,
    # asyncio docs, "Coroutines and Tasks": gather, TaskGroup, wait_for, timeout,
    # Semaphore ("Synchronization Primitives") and to_thread ("Running in Threads").
    "asyncio_docs": """
        import asyncio
        import hashlib

        from django.http import JsonResponse

        from course.dashboard import fetch_news, fetch_stocks, fetch_weather

        semaphore = asyncio.Semaphore(10)

        async def limited(coro):
            async with semaphore:
                return await coro

        async def dashboard(request):
            async with asyncio.timeout(2):
                weather, news = await asyncio.gather(
                    fetch_weather(), fetch_news(), return_exceptions=True
                )
            async with asyncio.TaskGroup() as tg:
                stocks = tg.create_task(limited(fetch_stocks()))
            digest = await asyncio.to_thread(hashlib.sha256, b"x")
            late = await asyncio.wait_for(fetch_weather(), timeout=1.0)
            return JsonResponse({"stocks": stocks.result(), "digest": digest.hexdigest()})
        """,
    # asyncio docs, "Executing code in thread or process pools": run_in_executor
    # with a ProcessPoolExecutor for CPU-bound work.
    "asyncio_process_pool": """
        import asyncio
        import concurrent.futures
        import os
        from concurrent.futures import ProcessPoolExecutor

        def cpu_bound():
            return sum(i * i for i in range(10 ** 7))

        async def main(request):
            loop = asyncio.get_running_loop()
            with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
                result = await loop.run_in_executor(pool, cpu_bound)
            with concurrent.futures.ThreadPoolExecutor() as pool:
                result = await loop.run_in_executor(pool, cpu_bound)
            return result
        """,
    # aiohttp docs, "Client Quickstart": ClientSession, ClientTimeout, raise_for_status.
    "aiohttp_client": """
        import aiohttp
        from django.http import JsonResponse

        async def forecast(request):
            timeout = aiohttp.ClientTimeout(total=60)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get("http://python.org", raise_for_status=True) as resp:
                    print(resp.status)
                    data = await resp.json()
            return JsonResponse(data)
        """,
    # tenacity README, "Async and retry": AsyncRetrying with stop/wait/retry.
    "tenacity_async": """
        import httpx
        from tenacity import (
            AsyncRetrying,
            RetryError,
            retry,
            retry_if_exception_type,
            stop_after_attempt,
            wait_exponential,
            wait_random,
        )

        @retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=1) + wait_random(0, 2))
        async def my_async_function(client):
            return await client.get("https://example.com")

        async def view(request):
            try:
                async for attempt in AsyncRetrying(stop=stop_after_attempt(3)):
                    with attempt:
                        return await my_async_function(httpx.AsyncClient())
            except RetryError:
                pass
        """,
    # backoff README, "Using backoff with asyncio", and stamina README, "Async".
    "backoff_and_stamina": """
        import aiohttp
        import backoff
        import httpx
        import stamina

        @backoff.on_exception(backoff.expo, aiohttp.ClientError, max_time=60)
        async def get_url(url):
            async with aiohttp.ClientSession(raise_for_status=True) as session:
                async with session.get(url) as response:
                    return await response.text()

        @stamina.retry(on=httpx.HTTPError, attempts=3)
        async def do_it_async(code: int) -> httpx.Response:
            async with httpx.AsyncClient() as client:
                resp = await client.get(f"https://httpbin.org/status/{code}")
            resp.raise_for_status()
            return resp
        """,
    # anyio docs, "Creating and managing tasks" and "Working with threads";
    # aiometer README, "Running tasks in parallel with a concurrency limit".
    "anyio_and_aiometer": """
        import functools

        import aiometer
        import anyio
        from anyio import create_task_group, to_thread

        async def fetch(client, request):
            response = await client.send(request)
            return response

        async def main(client, requests):
            async with create_task_group() as tg:
                tg.start_soon(anyio.sleep, 1)
            await to_thread.run_sync(sum, [1, 2])
            with anyio.move_on_after(1):
                await anyio.sleep(2)
            return await aiometer.run_all(
                [functools.partial(fetch, client, request) for request in requests],
                max_at_once=10,
                max_per_second=5,
            )
        """,
    # Django docs, "Cache framework" > "Asynchronous support" (aget/aset), the
    # Settings docs (os.environ.get for configuration) and the logging docs.
    "django_cache_settings_logging": """
        import json
        import logging
        import os
        import random
        import sys
        from contextlib import asynccontextmanager

        from django.conf import settings
        from django.core.cache import cache
        from django.http import JsonResponse

        logger = logging.getLogger(__name__)
        API = os.environ.get("AWAITLINGS_API", "http://127.0.0.1:8001")
        DEBUG = os.getenv("DEBUG", "0") == "1"

        @asynccontextmanager
        async def timed(name):
            logger.info("start %s", name)
            yield
            logger.info("end %s", name)

        async def forecast(request):
            if sys.version_info >= (3, 12):
                pass
            async with timed("forecast"):
                value = await cache.aget("forecast")
                if value is None:
                    value = json.dumps({"temp": random.random()})
                    await cache.aset("forecast", value, timeout=60)
            return JsonResponse(json.loads(value), safe=False)
        """,
    # Django docs, "Async views" + "Performance": a sync client in a thread;
    # requests docs "Quickstart" (wrong in an async view, but honest).
    "requests_and_to_thread": """
        import asyncio

        import requests
        from asgiref.sync import sync_to_async

        def get_forecast(url):
            r = requests.get(url, timeout=5)
            r.raise_for_status()
            return r.json()

        async def forecast(request):
            data = await asyncio.to_thread(get_forecast, "https://example.com")
            more = await sync_to_async(get_forecast, thread_sensitive=False)("https://x.org")
            return data, more
        """,
    # Python docs, "Coroutines and Tasks" > "Eager Task Factory"/"asyncio.as_completed",
    # and inspect.iscoroutinefunction from the inspect docs.
    "as_completed_and_inspect": """
        import asyncio
        import inspect
        from pathlib import Path

        from course.mirrors import MIRRORS, fetch_from

        TEMPLATE = Path(__file__).parent / "templates" / "page.html"

        async def first(request):
            assert inspect.iscoroutinefunction(fetch_from)
            tasks = [asyncio.create_task(fetch_from(mirror)) for mirror in MIRRORS]
            try:
                for next_done in asyncio.as_completed(tasks):
                    return await next_done
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        """,
    # Django docs, "Database transactions" > atomic via sync_to_async, and
    # "Authentication" > `await request.auser()`.
    "django_transaction_and_auth": """
        from asgiref.sync import sync_to_async
        from django.contrib.auth import aget_user
        from django.db import transaction
        from django.db.models import F

        from exercises.ex16_atomic_writes.models import Order

        @sync_to_async
        def place(lines):
            with transaction.atomic():
                order = Order.objects.create()
                for line in lines:
                    order.lines.create(**line)
            return order

        async def checkout(request):
            user = await request.auser()
            same = await aget_user(request)
            order = await place([])
            return {"id": order.pk, "user": user.pk, "same": same.pk}
        """,
}


@pytest.mark.parametrize("source", OUTSIDE.values(), ids=OUTSIDE.keys())
def test_outside_written_views_are_not_flagged(source: str):
    assert flags("exercises/ex07_gather_fanout/views.py", textwrap.dedent(source)) == []


def test_a_file_that_does_not_parse_gives_no_flags():
    assert flags("exercises/ex03_blocking_sleep/views.py", "import gc\ndef (:\n") == []


def test_a_flag_names_the_file_and_line_in_plain_words():
    found = flags("exercises/ex03_blocking_sleep/views.py", "import asyncio\nimport gc\n")
    assert found == [
        Flag(
            "exercises/ex03_blocking_sleep/views.py",
            2,
            "imports gc (the garbage collector can reach the grader's objects)",
        )
    ]
    assert str(found[0]).startswith("exercises/ex03_blocking_sleep/views.py:2: imports gc")
