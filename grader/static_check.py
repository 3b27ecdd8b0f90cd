"""A static check of the learner's editable files: code that reaches for the grader.

Code in the test process can rewrite what that process reports, so a sealed
grade is confirmed from outside; this check tells the teacher *why* a
submission deserves a look. It reads each editable file with `ast` and flags
what a view has no use for and a forge needs: imports of the grader, the
harness or pytest, the garbage collector, frames and code objects, dunder
tricks, `exec`, process and signal functions, the output variables of the
environment, paths outside the exercise, `solutions/`, and monkeypatching of
modules the file did not write.

It only flags; it never fails anything. It must never flag correct code written
the way outside sources write it, nor honest wrong code (`time.sleep`, a sync
client): those are failing exercises, not cheating. So every rule is decided
per name, with its reason, in the tables below (data, not a cascade of ifs),
and `tests/test_static_check.py` runs every solution and every case against
them. A file that does not parse gives no flags: its tests report the error.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePath
from string import Formatter

# What a name, resolved through the file's imports, reaches. A key matches the
# dotted name itself or any name under it (`gc` matches `gc.get_objects`); `*`
# is a wildcard. Builtins resolve to their bare name (`exec`), a relative import
# to the package of the file's path (`from .models import X`).
RULES: dict[str, str] = {
    # The grader, the harness, the tests and the tools they run on.
    "grader": "the grader itself, which writes the results",
    "course.testing": "the test harness and its probes",
    "conftest": "the tests' configuration",
    "tests": "the project's own tests",
    "exercises.*.test_*": "the exercise's tests",
    "exercises.*.conftest": "the tests' configuration",
    "solutions": "the reference solutions",
    "pytest": "the test runner, which decides what passed",
    "_pytest": "the test runner's internals, which decide what passed",
    "pytest_django": "a test-runner plugin",
    "pytest_asyncio": "a test-runner plugin",
    "pytest_timeout": "a test-runner plugin",
    "xdist": "a test-runner plugin",
    "pluggy": "the test runner's hook machinery",
    "looptime": "the tests' fake clock",
    "blockbuster": "the harness's blocking detector",
    "respx": "a mocking tool for httpx: it fakes answers instead of calling the API",
    "unittest": "a testing tool that patches objects at run time",
    # Reaching live objects, frames and code.
    "gc": "the garbage collector can reach the grader's objects",
    "ctypes": "calls C directly, around every probe",
    "_ctypes": "calls C directly, around every probe",
    "cffi": "calls C directly, around every probe",
    "inspect": "reaches frames and the grader's live objects",
    "importlib": "imports modules by computed names, around this check",
    "pkgutil": "imports modules by computed names, around this check",
    "zipimport": "imports code this check cannot read",
    "runpy": "runs code this check cannot read",
    "code": "runs code this check cannot read",
    "codeop": "compiles code this check cannot read",
    "marshal": "loads code objects",
    "builtins": "reaches exec, eval and __import__ under other names",
    "types.CodeType": "builds code objects",
    "types.FunctionType": "builds functions from code objects",
    "types.FrameType": "works with the frames of running code",
    "exec": "runs code built at run time, which this check cannot read",
    "eval": "runs code built at run time, which this check cannot read",
    "compile": "builds code at run time, which this check cannot read",
    "__import__": "imports modules by computed names, around this check",
    "__builtins__": "reaches exec, eval and __import__ under other names",
    "__loader__": "the module's loader reads and loads files around this check",
    "__spec__": "the module's import spec reaches its loader",
    "pickle": "loading calls any function the data names, around this check",
    "_pickle": "loading calls any function the data names, around this check",
    "copyreg": "registers what loading pickled data calls",
    "shelve": "loading calls any function the data names, around this check",
    "django.utils.module_loading": "imports modules by computed names, around this check",
    "typing.get_type_hints": "evaluates annotations as code this check cannot read",
    "typing.ForwardRef": "evaluates annotations as code this check cannot read",
    "string.Formatter": "looks up the attributes a text names, around this check",
    "sys.modules": "reaches every loaded module, the grader's included",
    "sys._getframe": "reaches the callers' frames, the harness's included",
    "sys._getframemodulename": "reaches the callers' frames, the harness's included",
    "sys._current_frames": "reaches every thread's frames, the harness's included",
    "sys._current_exceptions": "reaches every thread's frames, the harness's included",
    "sys.settrace": "watches or rewrites all code as it runs",
    "sys.setprofile": "watches or rewrites all code as it runs",
    "sys.monitoring": "watches or rewrites all code as it runs",
    "sys.addaudithook": "hooks into every sensitive operation of the process",
    "sys.setrecursionlimit": "lets a runaway recursion crash the whole test process",
    "sys.meta_path": "changes how modules are found, and can replace the harness's",
    "sys.path_hooks": "changes how modules are found, and can replace the harness's",
    "sys.path_importer_cache": "changes how modules are found, and can replace the harness's",
    "sys.path": "changes where modules are found, and can shadow the harness's",
    "sys.argv": "tells the code how it was started: under the tests or not",
    "sys.orig_argv": "tells the code how it was started: under the tests or not",
    "sys.excepthook": "hooks into how errors are reported",
    "sys.unraisablehook": "hooks into how errors are reported",
    "sys.displayhook": "hooks into the interpreter",
    "sys.breakpointhook": "hooks into the interpreter",
    "sys.exit": "ends the test process, not the request",
    "threading.settrace": "watches or rewrites all code as it runs",
    "threading.setprofile": "watches or rewrites all code as it runs",
    "threading.settrace_all_threads": "watches or rewrites all code as it runs",
    "threading.setprofile_all_threads": "watches or rewrites all code as it runs",
    "_thread.interrupt_main": "interrupts the test runner",
    # Processes, signals and the end of the process.
    "atexit": "runs code after the tests, when the results are written",
    "signal": "signals and signal waits: can stop the grader or block unseen",
    "_signal": "signals and signal waits: can stop the grader or block unseen",
    "faulthandler": "hooks into how the process dies",
    "resource": "changes the process's limits",
    "subprocess": "starts processes that outlive or escape the tests",
    "_posixsubprocess": "starts processes that outlive or escape the tests",
    "multiprocessing": "starts processes that outlive or escape the tests",
    "pty": "starts processes that outlive or escape the tests",
    "asyncio.create_subprocess_exec": "starts processes that outlive or escape the tests",
    "asyncio.create_subprocess_shell": "starts processes that outlive or escape the tests",
    "asyncio.subprocess": "starts processes that outlive or escape the tests",
    "os._exit": "ends the test process, not the request",
    "os.abort": "ends the test process, not the request",
    "os.kill": "sends signals to other processes, such as the grader",
    "os.killpg": "sends signals to other processes, such as the grader",
    "os.pidfd_*": "sends signals to other processes, such as the grader",
    "os.getppid": "finds the grader's process",
    "os.fork": "starts processes that outlive or escape the tests",
    "os.forkpty": "starts processes that outlive or escape the tests",
    "os.register_at_fork": "runs code in forked processes",
    "os.setsid": "leaves the process group the grader stops",
    "os.setpgrp": "leaves the process group the grader stops",
    "os.set*id": "changes the process's identity or group",
    "os.system": "runs a shell command, which blocks where the probes cannot see it",
    "os.popen": "runs a shell command, which blocks where the probes cannot see it",
    "os.exec*": "replaces the test process with another program",
    "os.spawn*": "starts processes that outlive or escape the tests",
    "os.posix_spawn*": "starts processes that outlive or escape the tests",
    "os.putenv": "changes the environment the grader's processes inherit",
    "os.unsetenv": "changes the environment the grader's processes inherit",
    "os.chdir": "moves the test process out of the folder the grader relies on",
    "os.dup2": "redirects the process's output files",
    # Files: no view of this course writes one, and the test process's results are one
    # (red team, issue 14: a thread rewrote them whole with os.replace after the run).
    "tempfile": "finds the temporary folder, where the test process writes its results",
    "os.replace": "swaps a file whole, as a forge rewrites the results file",
    "os.rename": "swaps a file whole, as a forge rewrites the results file",
    "os.truncate": "cuts a file short, as a forge erases the results written",
    "os.ftruncate": "cuts a file short, as a forge erases the results written",
    "os.open": "opens files below Python's file objects, around this check",
    "os.write": "writes to files below Python's file objects, around this check",
    "os.fdopen": "opens a file descriptor the process inherited, such as the results'",
    "os.dup": "duplicates the process's files",
    "os.mkfifo": "makes a pipe in place of a file the grader reads",
    "os.symlink": "makes a link in place of a file the grader reads",
    "os.link": "makes a link in place of a file the grader reads",
    "fcntl": "changes how files and pipes behave, such as the one the results go through",
}

# Names under a flagged module that honest code uses: `import inspect` used only
# for these is not flagged.
ALLOWED: dict[str, str] = {
    "inspect.iscoroutinefunction": "tells coroutine functions apart",
    "inspect.iscoroutine": "tells coroutines apart",
    "inspect.isawaitable": "tells awaitables apart",
    "inspect.markcoroutinefunction": "Django's docs mark async callables with it",
    "inspect.signature": "reads a function's parameters",
    "importlib.metadata": "reads an installed package's version",
    "multiprocessing.cpu_count": "sizes a pool for CPU work",
    "multiprocessing.Pool": "a process pool for CPU work, as in exercise 06",
}

# Attributes that reach frames, code objects and the inside of functions and
# classes, whatever object they are read from.
ATTRIBUTES: dict[str, str] = {
    "f_back": "a frame's caller: the harness's frames",
    "f_globals": "a frame's globals reach the caller's module, the harness",
    "f_locals": "a frame's locals reach the caller's variables, the harness's",
    "f_builtins": "a frame's builtins reach exec and __import__",
    "f_code": "a frame's code object",
    "f_trace": "a frame's tracer rewrites running code",
    "tb_frame": "a traceback's frames reach the harness",
    "gi_frame": "a generator's frame",
    "cr_frame": "a coroutine's frame",
    "ag_frame": "an async generator's frame",
    "gi_code": "a generator's code object",
    "cr_code": "a coroutine's code object",
    "ag_code": "an async generator's code object",
    "__code__": "a function's code object, which can be read or replaced",
    "co_code": "a code object's bytecode",
    "co_consts": "a code object's constants",
    "co_names": "a code object's names",
    "__globals__": "a function's globals reach the module it was defined in",
    "__closure__": "a function's hidden variables",
    "cell_contents": "a function's hidden variables",
    "__wrapped__": "reaches past the wrappers the harness watches functions with",
    "__subclasses__": "reaches every class of the process, the harness's included",
    "__builtins__": "reaches exec, eval and __import__ under other names",
    "__import__": "imports modules by computed names, around this check",
    "__self__": "a builtin function's module: reaches builtins and sys",
    "__loader__": "a module's loader reads and loads files around this check",
    "__spec__": "a module's import spec reaches its loader",
    "execute_wrappers": "the database hooks the query counter uses",
    "write_text": "writes a file: no view of this course writes one (the results are a file)",
    "pluginmanager": "the test runner's plugins, the grader's included",
    "list_name_plugin": "the test runner's plugins, the grader's included",
    "list_plugin_distinfo": "the test runner's plugins, the grader's included",
    "get_plugins": "the test runner's plugins, the grader's included",
    "getplugin": "the test runner's plugins, the grader's included",
    "get_plugin": "the test runner's plugins, the grader's included",
    "receivers": "the functions a signal calls: the harness's included",
    "_live_receivers": "the functions a signal calls: the harness's included",
    "write_bytes": "writes a file: no view of this course writes one (the results are a file)",
}

# Modules a forge reaches as an attribute of another module or object (`os.sys`,
# `from asyncio import sys`, `threading._thread`), around the imports this check
# reads: flagged wherever they are read, and resolved to the module itself, so
# `os.sys.modules` is `sys.modules`. None of them is a submodule of anything.
REACHED: dict[str, str] = {
    "sys": "reaches sys around its import: sys.modules holds the grader's modules",
    "builtins": "reaches builtins around its import: exec, eval and __import__",
    "gc": "reaches the garbage collector around its import",
    "_thread": "reaches the threads' internals around its import",
    "ctypes": "reaches C calls around their import",
    "importlib": "reaches the import machinery around its import",
    "atexit": "reaches the exit hooks around their import",
}

# Modules resolved to themselves when reached through another (`asyncio.os` is
# `os`, so its environment rules apply), without a flag: `aiofiles.os` is an
# honest module of its own.
SAME_MODULES = ("os",)

# Attributes that start with `_` and that honest code sets on objects it did
# not write: a hand-made decorator copies these.
HONEST_WRITES: dict[str, str] = {
    "__name__": "a decorator names its wrapper after the function",
    "__qualname__": "a decorator names its wrapper after the function",
    "__doc__": "a decorator documents its wrapper with the function's docstring",
}

# Attributes that honest code reads but a forge writes.
WRITTEN_ATTRIBUTES: dict[str, str] = {
    "__dict__": "rewrites an object's or module's namespace behind its back",
    "__class__": "turns an object into another class",
}

# Exceptions that end the test process rather than a request.
RAISED: dict[str, str] = {
    "SystemExit": "ends the test process, not the request",
    "KeyboardInterrupt": "stops the test runner as if Ctrl-C were pressed",
}

# Environment variables, matched with `*`: (pattern, reason, flag reads too).
# Ordinary settings (`AWAITLINGS_API`, `DJANGO_ALLOW_ASYNC_UNSAFE`) are neither.
ENVIRONMENT: tuple[tuple[str, str, bool], ...] = (
    ("AWAITLINGS_API", "", False),
    ("AWAITLINGS_RESULTS", "the file the test process writes its results to", True),
    ("AWAITLINGS_*", "the grader's own settings", True),
    ("TMPDIR", "the folder the test process writes its results in", True),
    ("TEMP", "the folder the test process writes its results in", True),
    ("TMP", "the folder the test process writes its results in", True),
    ("GITHUB_OUTPUT", "the file the classroom grade is written to", True),
    ("GITHUB_STEP_SUMMARY", "the file the CI summary is written to", True),
    ("GITHUB_ENV", "the file that sets the CI's later steps' environment", True),
    ("GITHUB_PATH", "the file that sets the CI's later steps' PATH", True),
    ("GITHUB_STATE", "the file that carries CI state between steps", True),
    ("GITHUB_*", "the CI's settings", False),
    ("PYTEST_*", "tells the code whether it runs under the tests", True),
    ("PYTHON*", "changes how Python starts and imports", False),
    ("LD_*", "changes which native libraries load", False),
)

# Texts that name what a submission has no business with, wherever they appear.
STRINGS: dict[str, str] = {
    r"(?:^|[/\\.])solutions(?:[/\\.]|$)": "the reference solutions",
    r"(?:^|[/\\])\.awaitlings(?:[/\\]|$)": "the grader's state folder, with its kept verdicts",
    r"^/proc(?:/|$)": "the process table, where the grader's processes and files are",
    r"\.djcache$": "a file of Django's cache, which a view should fill through the cache API",
    r"results\.jsonl": "the file the test process writes its results to",
    r"^(?:grader|_?pytest|pytest_\w+|pluggy|conftest|course\.testing|blockbuster|looptime|xdist)"
    r"\.[\w.]+$": "a module of the grader, the harness or the test runner, named to reach it",
    r"__(?:import|builtins|globals|code|closure|subclasses|self|loader|spec)__": (
        "a dunder that reaches code, modules or frames, in a text evaluated somewhere"
    ),
}

# Paths outside the exercise, in a path context (a path function's argument, or
# an operand of `/`).
ABSOLUTE = r"^(?:/|~|[A-Za-z]:[/\\])"  # at the start of a path only
PATHS: dict[str, str] = {
    ABSOLUTE: "an absolute path, outside the exercise",
    r"(?:^|[/\\])\.\.(?:[/\\]|$)": "climbs out of the exercise folder",
    r"(?:^|[/\\])(?:grader|tests|conftest\.py|course[/\\]testing)(?:[/\\]|$)": (
        "the grader's and tests' files"
    ),
}

# Functions whose arguments are paths.
PATH_FUNCTIONS = (
    "open",
    "io.open",
    "os.open",
    "os.path.*",
    "os.listdir",
    "os.scandir",
    "os.walk",
    "os.stat",
    "os.remove",
    "os.unlink",
    "os.rename",
    "os.replace",
    "os.mkdir",
    "os.makedirs",
    "os.rmdir",
    "os.truncate",
    "os.chmod",
    "pathlib.*",
    "shutil.*",
    "glob.*",
    "aiofiles.open",
    "aiofiles.os.*",
    "anyio.open_file",
    "anyio.Path",
)

# Functions that open a file, and where their mode is: (position, keyword).
OPENERS = {
    "open": (1, "mode"),
    "io.open": (1, "mode"),
    "io.FileIO": (1, "mode"),
    "codecs.open": (1, "mode"),
    "pathlib.Path.open": (0, "mode"),
    "aiofiles.open": (1, "mode"),
    "anyio.open_file": (1, "mode"),
}
_ENVIRON = ("os.environ", "os.environb")
_GETENV = ("os.getenv", "os.getenvb")
_ENV_READS = {"get", "__getitem__", "__contains__"}
_ENV_WRITES = {"setdefault", "pop", "update", "__setitem__", "__delitem__"}
_ENV_WHOLE = {"copy", "items", "keys", "values", "clear", "popitem"}
_MUTATORS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"}
_BUILTINS = {*dir(builtins), "__builtins__"}
_REFLECTION = {"getattr", "hasattr", "setattr", "delattr"}
_SETTERS = ("object.__setattr__", "object.__delattr__", "type.__setattr__", "type.__delattr__")
# Dunder methods that look attributes up or set them: `x.__setattr__(name, v)`,
# or unbound, `object.__setattr__(x, name, v)`.
_DUNDER_REFLECTION = {
    "__getattribute__": "getattr",
    "__getattr__": "getattr",
    "__setattr__": "setattr",
    "__delattr__": "delattr",
}


@dataclass(frozen=True)
class Flag:
    """One place in a learner's file that reaches for the grader."""

    path: str
    line: int
    what: str  # a plain-words sentence for the teacher

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def flags(path: str, source: str) -> list[Flag]:
    """The flags of one editable file, in line order.

    `path` is where the file lives in the course (`exercises/ex03_.../views.py`):
    relative imports are resolved against it.
    """
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError):  # Python cannot compile it either
        return []
    checker = _Checker(path, tree)
    try:
        checker.run()
    except RecursionError:  # Python compiles deeper expressions than this check reads
        checker.flag(tree, "nests an expression too deeply for this check to read it")
    return sorted(set(checker.found), key=lambda flag: (flag.line, flag.what))


def _rule(name: str) -> tuple[str, str] | None:
    """The rule (key, reason) that `name` falls under, unless allowed."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in ALLOWED:
            return None
        for key, reason in RULES.items():
            if fnmatchcase(prefix, key):
                return key, reason
    return None


def _canonical(name: str) -> tuple[str, tuple[str, str] | None]:
    """`name` with a module reached through another resolved to itself.

    `os.sys.modules` is `sys.modules`, reached as ("sys", "os"); `asyncio.os.environ`
    is `os.environ`, reached without a flag (None).
    """
    parts = name.split(".")
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] in REACHED:
            return ".".join(parts[index:]), (parts[index], ".".join(parts[:index]))
        if parts[index] in SAME_MODULES:
            return ".".join(parts[index:]), None
    return name, None


def _environment(name: str) -> tuple[str, bool] | None:
    for pattern, reason, reads in ENVIRONMENT:
        if fnmatchcase(name, pattern):
            return (reason, reads) if reason else None
    return None


def _key(call: ast.Call) -> ast.AST | None:
    """The first argument of `os.getenv(...)`, `os.environ.get(...)`: the variable's name."""
    if call.args:
        return call.args[0]
    return next((keyword.value for keyword in call.keywords if keyword.arg == "key"), None)


def _format(template: str, values: list[str | None]) -> str | None:
    """`template.format(*values)` for plain `{}` and `{0}` fields, else None."""
    pieces, auto = [], 0
    try:
        fields = list(Formatter().parse(template))
    except ValueError:
        return None
    for literal, field, spec, conversion in fields:
        pieces.append(literal)
        if field is None:
            continue
        if spec or conversion or not (field == "" or field.isdigit()):
            return None  # `{0.sys}`, `{:>99999999}`: not folded
        index = auto if field == "" else int(field)
        auto += 1
        if index >= len(values) or values[index] is None:
            return None
        pieces.append(values[index])
    return "".join(pieces)


def _code(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


@dataclass
class _Binding:
    name: str  # the dotted name it stands for
    by_import: bool  # `import x` (a module) rather than `from x import y`
    flagged: str | None  # the rule that flagged its import, if any
    star: str | None = None  # the module of `from module import *` that bound it


class _Checker:
    def __init__(self, path: str, tree: ast.Module) -> None:
        self.path = path
        self.tree = tree
        self.found: list[Flag] = []
        self.parents: dict[ast.AST, ast.AST] = {}
        self.bindings: dict[str, _Binding] = {}
        self.defined: set[str] = set()
        self.constants: dict[str, str] = {}  # module-level NAME = "text"
        self.seen_strings: set[ast.AST] = set()  # already judged as environment names
        self.stars: list[str] = []  # the modules of `from module import *`
        parts = PurePath(path).parts
        if "exercises" in parts:
            parts = parts[len(parts) - 1 - parts[::-1].index("exercises") :]
        self.package = [] if PurePath(path).is_absolute() else list(parts[:-1])

    def flag(self, node: ast.AST, what: str) -> None:
        self.found.append(Flag(self.path, getattr(node, "lineno", 0), what))

    # -- names ---------------------------------------------------------------

    def run(self) -> None:
        nodes = sorted(
            (n for n in ast.walk(self.tree) if hasattr(n, "lineno")),
            key=lambda n: (n.lineno, n.col_offset),
        )
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent
        for node in nodes:
            self.collect(node)
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.check_import(node)
        for name in [*REACHED, *SAME_MODULES]:  # `from uuid import *` binds sys
            if self.stars and name not in self.bindings and name not in self.defined:
                self.bindings[name] = _Binding(name, True, None, star=self.stars[-1])
        for node in nodes:
            self.check(node)
        for node in nodes:  # last: the environment's keys are judged by now
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                self.check_string(node)

    def collect(self, node: ast.AST) -> None:
        """The names the file defines, and its module-level string constants."""
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.defined.add(node.name)
        elif isinstance(node, ast.arg):
            self.defined.add(node.arg)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            self.defined.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.defined.add(node.name)
        if (
            isinstance(node, ast.Assign)
            and self.parents.get(node) is self.tree
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and (text := self.fold(node.value)) is not None
        ):
            self.constants[node.targets[0].id] = text

    def absolute(self, level: int, module: str | None) -> str:
        if not level:
            return module or ""
        if level > len(self.package):
            return "." * level + (module or "")
        base = self.package[: len(self.package) - level + 1]
        return ".".join([*base, *([module] if module else [])])

    def check_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                rule = _rule(alias.name)
                if rule and any(name.startswith(rule[0] + ".") for name in ALLOWED):
                    rule = None  # judged where it is used: honest uses are allowed
                if rule:
                    self.flag(node, f"imports {alias.name} ({rule[1]})")
                bound = alias.asname or alias.name.split(".")[0]
                name = alias.name if alias.asname else bound
                self.bindings[bound] = _Binding(name, True, rule[0] if rule else None)
            return
        module = self.absolute(node.level, node.module)
        for alias in node.names:
            name = f"{module}.{alias.name}" if module.strip(".") else module + alias.name
            if alias.name == "*":
                self.stars.append(module)
                rule = _rule(module) or next(
                    ((k, r) for k, r in RULES.items() if k.startswith(module + ".")), None
                )
                if rule:
                    self.flag(node, f"imports everything from {module} ({rule[1]})")
                continue
            name, reached = _canonical(name)
            if reached:
                what = f"imports {reached[0]} from {reached[1]}"
                self.flag(node, f"{what} ({REACHED[reached[0]]})")
            rule = _rule(name.lstrip("."))  # a relative import past the top: as if absolute
            if rule:
                self.flag(node, f"imports {name} ({rule[1]})")
            bound = alias.asname or alias.name
            self.bindings[bound] = _Binding(name, False, rule[0] if rule else None)

    def resolve(self, node: ast.AST) -> tuple[str, _Binding | None] | None:
        """The dotted name a Name/Attribute chain stands for, through imports and builtins."""
        attrs = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        binding = self.bindings.get(node.id)
        if binding:
            root = binding.name
        elif node.id in _BUILTINS and node.id not in self.defined:
            root = node.id
        else:
            return None
        return _canonical(".".join([root, *reversed(attrs)]))[0], binding

    def import_root(self, node: ast.AST) -> str | None:
        """The dotted name of `node` when it is (inside) something the file imported."""
        while isinstance(node, ast.Subscript):
            node = node.value
        resolved = self.resolve(node)
        if resolved and resolved[1]:
            return resolved[0]
        return None

    # -- every node ----------------------------------------------------------

    def check(self, node: ast.AST) -> None:
        parent = self.parents.get(node)
        if isinstance(node, ast.Attribute):
            self.check_attribute(node, parent)
        if isinstance(node, ast.Name | ast.Attribute) and not (
            isinstance(parent, ast.Attribute) and parent.value is node
        ):
            self.check_chain(node, parent)
        elif isinstance(node, ast.Call):
            self.check_call(node)
            self.check_method_open(node)
            self.check_dunder_reflection(node)
        elif isinstance(node, ast.Raise) and node.exc:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            resolved = self.resolve(exc)
            if resolved and resolved[0] in RAISED:
                self.flag(node, f"raises {resolved[0]} ({RAISED[resolved[0]]})")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            for side in (node.left, node.right):
                self.check_path(side)
        elif isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
            root = self.import_root(node.value)
            if root and not root.startswith(_ENVIRON):
                self.flag(node, f"changes {root} (monkeypatches a module the view did not write)")

    def check_attribute(self, node: ast.Attribute, parent: ast.AST | None) -> None:
        if node.attr in ATTRIBUTES:
            self.flag(node, f"uses .{node.attr} ({ATTRIBUTES[node.attr]})")
        if node.attr in REACHED:
            what = f"reaches {node.attr} as an attribute of {_code(node.value)}"
            self.flag(node, f"{what} ({REACHED[node.attr]})")
        if not isinstance(node.ctx, ast.Load):
            self.check_private(node, node.value, node.attr)
        elif node.attr == "__dict__" and not self.mutates(node, parent):
            self.check_namespace(node, node.value)
        if node.attr in WRITTEN_ATTRIBUTES:
            written = not isinstance(node.ctx, ast.Load) or (
                node.attr == "__dict__" and self.mutates(node, parent)
            )
            if written:
                self.flag(node, f"writes .{node.attr} ({WRITTEN_ATTRIBUTES[node.attr]})")

    def mutates(self, node: ast.AST, parent: ast.AST | None) -> bool:
        """Whether `node` (a namespace) is written through: `ns[k] = v`, `ns.update(...)`."""
        if isinstance(parent, ast.Subscript) and parent.value is node:
            return not isinstance(parent.ctx, ast.Load)
        return (
            isinstance(parent, ast.Attribute)
            and parent.attr in _MUTATORS
            and isinstance(self.parents.get(parent), ast.Call)
        )

    def check_private(self, node: ast.AST, owner: ast.AST, attribute: str) -> None:
        """`plugin._write = forged`: another object's private attribute set or deleted."""
        if (
            attribute.startswith("_")
            and attribute not in HONEST_WRITES
            and attribute not in WRITTEN_ATTRIBUTES  # flagged on their own
            and not self.is_self(owner)
        ):
            self.flag(
                node,
                f"sets .{attribute} of {_code(owner)}"
                " (a private attribute of an object the view did not write)",
            )

    def check_namespace(self, node: ast.AST, owner: ast.AST) -> None:
        """`vars(sys)`, `os.__dict__`: a module's names looked up as data, around this check."""
        resolved = self.resolve(owner)
        if resolved and resolved[1]:
            self.flag(node, f"reads the namespace of {resolved[0]} (hides what it uses)")

    def is_self(self, node: ast.AST) -> bool:
        """Whether `node` is the object whose method runs: `super()`, or the first
        parameter (`self`, `cls`) of a method around it, never rebound.

        A method sets its own object's private attributes; any other object's
        (`plugin._write = ...`) are not a view's to set.
        """
        name = getattr(node.func if isinstance(node, ast.Call) else node, "id", None)
        if isinstance(node, ast.Call) and (name != "super" or "super" in self.defined):
            return False
        method = self.parents.get(node)
        while method and not (
            isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)
            and isinstance(self.parents.get(method), ast.ClassDef)
        ):
            method = self.parents.get(method)
        if not method or any(
            isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
            for decorator in method.decorator_list
        ):
            return False
        first = [arg.arg for arg in [*method.args.posonlyargs, *method.args.args][:1]]
        rebound = any(
            isinstance(n, ast.Name) and n.id in first and not isinstance(n.ctx, ast.Load)
            for n in ast.walk(method)
        )
        return bool(first) and name in {"super", *first} and not rebound

    def check_chain(self, node: ast.Name | ast.Attribute, parent: ast.AST | None) -> None:
        resolved = self.resolve(node)
        if not resolved:
            return
        name, binding = resolved
        rule = _rule(name)
        if rule and rule[0] != (binding.flagged if binding else None):
            self.flag(node, f"uses {name} ({rule[1]})")
        if name.startswith(_ENVIRON) or name in _GETENV:
            self.check_environment(node, name, parent)
        if binding and binding.star and binding.name in REACHED:
            what = f"uses {binding.name} from `from {binding.star} import *`"
            self.flag(node, f"{what} ({REACHED[binding.name]})")
        called = isinstance(parent, ast.Call) and parent.func is node
        if (
            binding
            and binding.by_import
            and isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and not (called or self.reflected(node, parent))
        ):
            self.flag(node, f"uses the module {name} as a value (hides what it reaches)")
        if (name in {"setattr", "delattr"} or name.endswith(_SETTERS)) and not called:
            self.flag(node, f"uses {name} as a value (hides what it sets)")
        if binding and isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            self.flag(node, f"replaces {name} (monkeypatches a module the view did not write)")
        written = isinstance(parent, ast.Call) and self.mutates(parent, self.parents.get(parent))
        if name == "vars" and written:  # vars(module)[k] = v, vars(module).update(...)
            self.flag(parent, f"writes vars() ({WRITTEN_ATTRIBUTES['__dict__']})")

    def reflected(self, node: ast.AST, parent: ast.AST | None) -> bool:
        """Whether `node` is the object of getattr/setattr/...: judged by its own rules."""
        if not (isinstance(parent, ast.Call) and parent.args and parent.args[0] is node):
            return False
        resolved = self.resolve(parent.func)
        return bool(resolved) and resolved[0] in _REFLECTION

    def check_call(self, node: ast.Call) -> None:
        resolved = self.resolve(node.func)
        if not resolved:
            return
        name, _ = resolved
        if any(fnmatchcase(name, pattern) for pattern in PATH_FUNCTIONS):
            for argument in node.args:
                self.check_path(argument)
        if name in _REFLECTION and len(node.args) >= 2:
            self.check_reflection(node, name, node.args[0], node.args[1])
        if name == "vars" and node.args:
            self.check_namespace(node, node.args[0])
        if name in {"operator.attrgetter", "operator.methodcaller"}:
            self.check_getter(node, name)
        if name in OPENERS and _writes(node, OPENERS[name]):
            self.flag(
                node,
                f"opens a file to write with {name} (no view of this course writes "
                "one; the results of the tests are a file)",
            )

    def check_method_open(self, node: ast.Call) -> None:
        """`path.open("a")` on any object: a file opened to write (red team, issue 14: a
        local `Path` reached the results pipe unflagged)."""
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "open" and _writes(node, (0, "mode")):
            self.flag(
                node,
                "opens a file to write with .open() (no view of this course writes one; the "
                "results of the tests are a file)",
            )

    def check_dunder_reflection(self, node: ast.Call) -> None:
        """`x.__setattr__("_y", v)`, `object.__setattr__(x, "_y", v)`: setattr by its dunder."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in _DUNDER_REFLECTION):
            return
        function = _DUNDER_REFLECTION[func.attr]
        owner = self.resolve(func.value)
        if owner and owner[0] in {"object", "type"} and len(node.args) >= 2:  # unbound
            self.check_reflection(node, function, node.args[0], node.args[1])
        elif node.args:
            self.check_reflection(node, function, func.value, node.args[0])

    def check_reflection(
        self, node: ast.Call, function: str, target: ast.AST, attribute: ast.AST
    ) -> None:
        """`getattr(os, "kill")` is `os.kill`; `setattr(httpx, "Client", ...)` a monkeypatch."""
        resolved = self.resolve(target)
        root = self.import_root(target)
        reads = function in {"getattr", "hasattr"}
        text = self.fold(attribute)
        if text is not None:
            if text in ATTRIBUTES:  # `getattr(f, "__glo" + "bals__")`: the name, folded
                self.flag(node, f"uses .{text} by {function} ({ATTRIBUTES[text]})")
            if text in REACHED:
                what = f"reaches {text} as an attribute of {_code(target)}"
                self.flag(node, f"{what} ({REACHED[text]})")
            if resolved:
                full = _canonical(f"{resolved[0]}.{text}")[0]
                rule = _rule(full)
                binding = resolved[1]
                flagged = {binding.flagged if binding else None, (_rule(resolved[0]) or ("",))[0]}
                if rule and rule[0] not in flagged:  # not flagged already at its import or use
                    self.flag(node, f"uses {full} ({rule[1]})")
            if root and not reads:
                self.flag(
                    node,
                    f"replaces {root}.{text} (monkeypatches a module the view did not write)",
                )
            if not reads:
                self.check_private(node, target, text)
        if not self.plain(attribute):
            if not reads and not self.is_self(target):  # `setattr(self, key, value)`
                owner = root or _code(target)
                self.flag(node, f"sets an attribute of {owner} by a computed name (hides which)")
            elif resolved and resolved[1]:
                self.flag(node, f"looks up a computed name in {resolved[0]} (hides what it uses)")

    def check_getter(self, node: ast.Call, function: str) -> None:
        """`operator.attrgetter("sys.modules")(os)`: getattr by another name."""
        names = node.args if function.endswith("attrgetter") else node.args[:1]
        for argument in names:
            text = self.fold(argument)
            if text is None:
                self.flag(node, f"uses {function} with a computed name (hides what it reaches)")
                continue
            for part in text.split("."):
                if part in REACHED or part in _DUNDER_REFLECTION or part in ATTRIBUTES:
                    self.flag(node, f"uses {function} to reach .{part} (hides what it reaches)")

    # -- the environment -----------------------------------------------------

    def check_environment(self, node: ast.AST, name: str, parent: ast.AST | None) -> None:
        method = name.rsplit(".", 1)[1] if name.count(".") == 2 else None
        call = parent if isinstance(parent, ast.Call) and parent.func is node else None
        if name in _GETENV:
            if call:
                self.env_key(_key(call), write=False, at=call)
        elif method in _ENV_READS or method in _ENV_WRITES:
            if call and method == "update":
                self.env_update(call)
            elif call:
                self.env_key(_key(call), write=method in _ENV_WRITES, at=call)
        elif method in _ENV_WHOLE:
            self.flag(node, f"uses {name} (the environment holds the grader's output paths)")
        elif method is None and isinstance(parent, ast.Subscript) and parent.value is node:
            self.env_key(parent.slice, write=not isinstance(parent.ctx, ast.Load))
        elif method is None and isinstance(parent, ast.Compare) and node in parent.comparators:
            self.env_key(parent.left, write=False)
        elif method is None:
            self.flag(node, f"uses all of {name} (it holds the grader's output paths)")

    def env_update(self, call: ast.Call) -> None:
        keys: list[ast.AST | None] = [
            ast.Constant(keyword.arg) if keyword.arg else None for keyword in call.keywords
        ]
        for argument in call.args:
            keys += argument.keys if isinstance(argument, ast.Dict) else [None]
        for key in keys:
            if key is None:
                self.flag(call, "writes os.environ from a computed mapping")
            else:
                ast.copy_location(key, call)
                self.env_key(key, write=True)

    def env_key(self, key: ast.AST | None, *, write: bool, at: ast.AST | None = None) -> None:
        """Judge the name of an environment variable: a text, or computed (flagged)."""
        if key is None:  # `os.getenv(**names)`
            key = ast.copy_location(ast.Name("?", ast.Load()), at or ast.Module())
        self.seen_strings.add(key)
        if not self.plain(key):
            verb = "writes" if write else "reads"
            self.flag(key, f"{verb} an environment variable whose name is computed (hides which)")
        text = self.fold(key)
        if text is None:
            return
        judged = _environment(text)
        if judged and (write or judged[1]):
            verb = "sets" if write else "reads"
            self.flag(key, f"{verb} the environment variable {text} ({judged[0]})")

    def plain(self, node: ast.AST) -> bool:
        """A text as written: a string literal, or a module-level constant holding one."""
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        return isinstance(node, ast.Name) and node.id in self.constants

    def fold(self, node: ast.AST) -> str | None:
        """The text an expression builds from literals: `"A_" + "B"`, f-strings, join, format."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.fold(node.left), self.fold(node.right)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.JoinedStr):
            parts = [self.fold(part) for part in node.values]
            return None if None in parts else "".join(parts)  # type: ignore[arg-type]
        if isinstance(node, ast.FormattedValue) and node.conversion == -1 and not node.format_spec:
            return self.fold(node.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = self.fold(node.func.value)
            items = node.args[0].elts if node.args and hasattr(node.args[0], "elts") else None
            if base is None or node.keywords:
                return None
            if node.func.attr == "join" and len(node.args) == 1 and items is not None:
                parts = [self.fold(item) for item in items]
                return None if None in parts else base.join(parts)  # type: ignore[arg-type]
            if node.func.attr == "format":
                return _format(base, [self.fold(argument) for argument in node.args])
            if node.func.attr in {"upper", "lower", "strip"} and not node.args:
                return getattr(base, node.func.attr)()
        return None

    # -- strings and paths ---------------------------------------------------

    def check_path(self, node: ast.AST) -> None:
        pieces = [n for n in ast.walk(node) if isinstance(n, ast.Constant)]
        pieces = [n for n in pieces if isinstance(n.value, str)]
        first = self.leading(node)
        if isinstance(node, ast.Name) and node.id in self.constants:
            pieces = [ast.copy_location(ast.Constant(self.constants[node.id]), node)]
            first = pieces[0]
        for piece in pieces:
            for pattern, reason in PATHS.items():
                if pattern == ABSOLUTE and piece is not first:
                    continue
                if re.search(pattern, piece.value):
                    self.flag(piece, f"uses the path {_short(piece.value)} ({reason})")

    def leading(self, node: ast.AST) -> ast.AST | None:
        """The text a path expression starts with, when it starts with one."""
        while True:
            if isinstance(node, ast.JoinedStr) and node.values:
                node = node.values[0]
            elif isinstance(node, ast.BinOp):
                node = node.left
            elif isinstance(node, ast.Call) and node.args:
                node = node.args[0]
            else:
                return node

    def check_string(self, node: ast.Constant) -> None:
        text = node.value
        for pattern, reason in STRINGS.items():
            if re.search(pattern, text):
                self.flag(node, f"mentions {_short(text)} ({reason})")
        if text in ATTRIBUTES:
            self.flag(node, f"names .{text} ({ATTRIBUTES[text]})")
        if node not in self.seen_strings:
            judged = _environment(text)
            if judged and judged[1]:
                self.flag(node, f"names the environment variable {text} ({judged[0]})")


def _writes(call: ast.Call, where: tuple[int, str]) -> bool:
    """Whether `call`, opening a file, opens it to write: a mode with w, a, x or +, or a mode
    this check cannot read."""
    position, keyword = where
    mode = next((k.value for k in call.keywords if k.arg == keyword), None)
    if mode is None and len(call.args) > position:
        mode = call.args[position]
    if mode is None:
        return False
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return any(letter in mode.value for letter in "wax+")
    return True
