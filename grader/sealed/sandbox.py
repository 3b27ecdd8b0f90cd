"""Run the learner's code where it cannot reach the grader, its outputs or the trusted course.

Sealed grading runs every process that loads the learner's code (the
exercise's tests, the server the outside check talks to) through
`Sandbox.popen`:

- as an unprivileged user (`nobody`) when the grader runs as root, as CI
  runners and containers do: it cannot write the trusted tree, the outputs or
  the grader's results, and cannot signal the grader;
- in a PID namespace of its own where the kernel allows it (`unshare`): when
  its first process ends, the kernel ends every other one, so a `setsid` and
  a double fork leave nothing behind, and `os.getppid()` names nobody;
- otherwise the grader is a child subreaper: orphans become its children, and
  `end` kills every descendant it finds;
- with resource limits (address space, processes, file size, core dumps) and
  an environment of its own: no `GITHUB_*` output paths, no `PYTHON*`
  variables, nothing of the grader's.

`confine()` probes once what this machine allows; `describe()` says it in
plain words for the report, so a teacher knows what a run was protected by.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEARNER = (65534, 65534)  # nobody:nogroup, by number: a container may have no passwd entry
MEMORY = 4 << 30  # bytes of address space for one process (Django and pytest need ~1 GiB)
PROCESSES = 512  # tasks (threads count) of the learner's user, system-wide
FILE_SIZE = 256 << 20  # bytes: a database or cache file is far smaller
OPEN_FILES = 1024
PR_SET_CHILD_SUBREAPER = 36
# The environment a learner's process gets: nothing else of the grader's.
PASSED_THROUGH = ("PATH", "LANG", "LC_ALL", "TZ")


@dataclass(frozen=True)
class Sandbox:
    """How learner processes are confined on this machine (see `confine`)."""

    user: tuple[int, int] | None  # (uid, gid) they run as; None: the grader's own
    pid_namespace: bool
    subreaper: bool = False  # no namespace: the grader kills every orphan after each process

    def describe(self) -> str:
        who = "as user nobody" if self.user else "as the grader's own user (not root)"
        where = "in a PID namespace of their own"
        if not self.pid_namespace:
            where = "without a PID namespace" + (
                " (the grader kills what they leave as a subreaper)" if self.subreaper else ""
            )
        return f"learner code ran {who}, {where}, with memory, process and file-size limits"

    def command(self, command: list[str]) -> list[str]:
        prefix: list[str] = []
        if self.pid_namespace:
            prefix += ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"]
        if self.user:
            uid, gid = self.user
            # --pdeathsig: the kernel drops unshare's --kill-child signal when the uid
            # changes, so the learner's process would outlive a killed unshare.
            prefix += ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
            prefix += ["--no-new-privs", "--pdeathsig=KILL", "--"]
        return prefix + command

    def environment(self, home: Path, **extra: str) -> dict[str, str]:
        """A clean environment: the grader's locale and PATH, a home of the learner's own."""
        environment = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
        environment.update(
            HOME=str(home),
            TMPDIR=str(home),
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
            PYTHONSAFEPATH="1",
            **extra,
        )
        return environment

    def give(self, *paths: Path) -> None:
        """Make `paths`, folders the grader just made (or makes now), the learner's to write."""
        for path in paths:
            path.mkdir(parents=True, exist_ok=True)
            if self.user:
                os.chown(path, *self.user, follow_symlinks=False)
            path.chmod(0o755)

    def popen(
        self, command: list[str], cwd: Path, env: dict[str, str], **options: object
    ) -> subprocess.Popen[bytes]:
        """Start `command` as the learner, in a session of its own (see the module docstring)."""
        return subprocess.Popen(  # type: ignore[call-overload]
            self.command(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_limit,
            **options,
        )

    def end(self, process: subprocess.Popen[bytes]) -> None:
        """Kill `process`, its session, and (without a namespace) every descendant left."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait()
        if self.subreaper:
            kill_descendants()


def _limit() -> None:  # runs in the child, between fork and exec
    limits = {
        resource.RLIMIT_AS: MEMORY,
        resource.RLIMIT_FSIZE: FILE_SIZE,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NOFILE: OPEN_FILES,
    }
    if os.geteuid() == 0:  # the learner's user will be nobody: count its tasks
        limits[resource.RLIMIT_NPROC] = PROCESSES
    for kind, value in limits.items():
        _soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (value, value))


@cache
def confine() -> Sandbox:
    """What this machine allows: probed once, by running a harmless command each way."""
    user = LEARNER if os.geteuid() == 0 and _works(Sandbox(LEARNER, False)) else None
    namespace = shutil.which("unshare") is not None and _works(Sandbox(user, True))
    if not namespace:
        _become_subreaper()
    return Sandbox(user, namespace, subreaper=not namespace)


def _works(sandbox: Sandbox) -> bool:
    """Can `sandbox` start this Python and import the course's packages?"""
    if sandbox.user and not shutil.which("setpriv"):
        return False
    command = sandbox.command([sys.executable, "-c", "import django, pytest"])
    try:
        done = subprocess.run(command, capture_output=True, timeout=30, cwd="/")
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _become_subreaper() -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid`, from /proc (children first found, then theirs)."""
    found: list[int] = []
    queue = [pid]
    while queue:
        parent = queue.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with contextlib.suppress(OSError):
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                queue += children
    return found


def kill_descendants() -> None:
    """Kill every process below the grader (subreaper mode).

    Called only after a learner process ended, and subreaper mode runs one
    learner process at a time: whatever is left below the grader then is an
    orphan the learner's code made.
    """
    for pid in descendants(os.getpid()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
