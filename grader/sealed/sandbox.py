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
import dataclasses
import os
import resource
import shlex
import shutil
import signal
import stat
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEARNER = (65534, 65534)  # nobody:nogroup, by number: a container may have no passwd entry
# Exercises graded side by side each run as a user of their own, since the process limit
# counts a user's tasks system-wide: one exercise's fork loop must not starve its neighbour,
# nor another grade's on the same machine. Each grade numbers its users from its own pid, in
# a range no system assigns; where the kernel refuses those (a user namespace with a narrow
# map), nobody and 65533 (unassigned on Debian and in common container images).
OWN_USERS = 3_000_000_000  # + twice the grader's pid (at most 4,194,304) + the slot
LEARNERS = (LEARNER, (65533, 65534))
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
    # Folders the learner's user cannot pass through (pyenv under /root), each with the paths
    # below it that the learner's Python needs: see `reexpose`.
    hidden: tuple[tuple[str, tuple[str, ...]], ...] = ()
    users: tuple[tuple[int, int], ...] = LEARNERS  # one per exercise graded at once (`slots`)

    def hiding(self, *folders: Path, keeping: tuple[Path, ...] = ()) -> Sandbox:
        """This sandbox with `folders` out of the learner's sight: each covered with an empty
        tmpfs in the namespace's own mounts (root and a namespace only), but for the paths
        below it in `keeping` and the learner's Python, bound back. A folder below another
        hidden one is out of sight already."""
        if not (self.user and self.pid_namespace):
            return self
        needed = [Path(path) for path in [*python_paths(), *keeping]]
        covered = [Path(folder) for folder, _paths in self.hidden]
        more = []
        for folder in sorted({Path(f) for f in folders if Path(f).is_dir()}, key=str):
            if any(folder.is_relative_to(other) for other in covered):
                continue
            covered.append(folder)
            kept = [str(path) for path in needed if path.is_relative_to(folder) and path != folder]
            more.append((str(folder), tuple(kept)))
        return dataclasses.replace(self, hidden=tuple(more) + self.hidden)

    def slots(self) -> list[Sandbox]:
        """One sandbox per exercise graded at once: with a user of its own when there is one."""
        if not self.user:
            return [self]
        return [dataclasses.replace(self, user=user) for user in self.users]

    def describe(self) -> str:
        uids = " and ".join(str(uid) for uid, _gid in self.users)
        who = f"as unprivileged users (uids {uids})" if self.user else "as the grader's own user"
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
        if self.hidden and self.pid_namespace and self.user:
            return prefix[:5] + reexpose(self.hidden, prefix[5:] + command)
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
    # Out of memory, the kernel kills the learner's processes first, never the grader.
    with contextlib.suppress(OSError):
        score = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
        os.write(score, b"1000")
        os.close(score)


def reexpose(hidden: tuple[tuple[str, tuple[str, ...]], ...], command: list[str]) -> list[str]:
    """`command`, run by a shell that first re-exposes the paths the learner's Python needs.

    In the namespace's own mounts (nothing changes outside it): each folder
    the learner's user cannot pass through (pyenv's Pythons live under /root,
    mode 0700) is covered with an empty tmpfs, and only the needed paths
    below it are bound back, through descriptors opened before the cover.
    The rest of that folder stays out of the learner's sight, as do folders
    hidden with no path bound back (the trusted course's `solutions/`).
    """
    opened, covered = [], []
    descriptor = 3
    for folder, paths in hidden:
        covered.append(f"mount -t tmpfs -o mode=1777,size=64m awaitlings {shlex.quote(folder)}")
        for path in paths:
            opened.append(f"exec {descriptor}< {shlex.quote(path)}")
            covered.append(
                f"mkdir -p {shlex.quote(path)} && mount --no-canonicalize --bind "
                f"/proc/self/fd/{descriptor} {shlex.quote(path)} && exec {descriptor}<&-"
            )
            descriptor += 1
    script = " && ".join([*opened, *covered, 'exec "$@"'])
    return ["/bin/sh", "-c", script, "awaitlings-sandbox", *command]


def hidden_paths(paths: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """For each of `paths`, the highest folder above it that others cannot pass through."""
    found: dict[str, list[str]] = {}
    outermost = [p for p in paths if not any(Path(p).is_relative_to(o) and p != o for o in paths)]
    for path in outermost:
        for ancestor in reversed(Path(path).parents):
            if ancestor != Path("/") and not os.stat(ancestor).st_mode & stat.S_IXOTH:
                found.setdefault(str(ancestor), []).append(path)
                break
    return tuple((folder, tuple(sorted(set(paths)))) for folder, paths in found.items())


def python_paths() -> list[str]:
    """What this Python needs to run: its installation, its virtualenv, its binary's folder."""
    binary = os.path.dirname(os.path.realpath(sys.executable))
    return [os.path.realpath(p) for p in {sys.base_prefix, sys.prefix, binary}]


@cache
def confine() -> Sandbox:
    """What this machine allows: probed once, by running a harmless command each way."""
    namespace = shutil.which("unshare") is not None and _works(Sandbox(None, True))
    user, users = None, LEARNERS
    if os.geteuid() == 0:
        hidden = hidden_paths(python_paths()) if namespace else ()
        if _works(Sandbox(LEARNER, namespace, hidden=hidden)):
            user = LEARNER
            base = OWN_USERS + 2 * os.getpid()
            own = ((base, LEARNER[1]), (base + 1, LEARNER[1]))
            users = own if _works(Sandbox(own[0], namespace, hidden=hidden)) else LEARNERS
    if not namespace:
        _become_subreaper()
    return Sandbox(
        user, namespace, subreaper=not namespace, hidden=hidden if user else (), users=users
    )


def _works(sandbox: Sandbox) -> bool:
    """Can `sandbox` start this Python and import the course's packages?"""
    if sandbox.user and not shutil.which("setpriv"):
        return False
    # The same interpreter, not just one that runs: a Python whose own files cannot be
    # read may fall back on another installation's standard library.
    probe = "import sys, django, pytest; print(sys.base_prefix)"
    command = sandbox.command([sys.executable, "-c", probe])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd="/")
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == sys.base_prefix


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
