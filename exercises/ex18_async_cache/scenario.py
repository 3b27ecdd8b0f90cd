"""Outside check of exercise 18: two requests make one call to the weather API, the forecast is
kept in Django's cache (files the grader reads) for at most a minute, and reading the cache
never holds the server's event loop, even when the cache is slow to answer.

A file cache answers in microseconds, too quickly for the kernel's view of the loop thread to
show a read on the loop. So before the second request, the grader puts a named pipe in place
of each cache file and answers it only after SLOW seconds, as a cache server far away would.
The cache folder belongs to the learner's server: it is used through a descriptor of its own,
and no link in it is ever followed.
"""

import contextlib
import io
import os
import pickletools
import select
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from course.fake_api import Behaviour
from grader.sealed.loopwatch import LoopWatch
from grader.sealed.scenario import Live, Scenario, carried, unexpected
from grader.sealed.site import Site

PATH = "/async_cache/"
TTL = 60  # seconds, as the README asks
SLACK = 5  # seconds an entry's expiry may exceed TTL by (the clock moves while it is written)
SLOW = 0.5  # seconds each cache file takes to answer in the second request
FEED_TIMEOUT = 5.0  # seconds the grader writes an entry into its pipe, at most
MAX_ENTRY = 1 << 20  # bytes read of a cache file (a forecast, or a page: a few hundred)
MAX_ENTRIES = 20  # cache files looked at


@dataclass(frozen=True)
class Entry:
    """A file of the server's cache, as the grader read it."""

    name: str
    data: bytes
    status: os.stat_result


@contextlib.contextmanager
def cache_folder(site: Site) -> Iterator[int | None]:
    """The server's cache folder (settings.CACHES: the tree's .awaitlings/cache), opened
    without following a link; None when there is none."""
    folder = site.home.parent / "course" / ".awaitlings" / "cache"
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        yield None
        return
    try:
        yield descriptor
    finally:
        os.close(descriptor)


def cache_entries(folder: int | None) -> list[Entry]:
    """The cache files in `folder` that are plain files, read."""
    if folder is None:
        return []
    entries = []
    names = sorted(name for name in os.listdir(folder) if name.endswith(".djcache"))
    for name in names[:MAX_ENTRIES]:
        try:
            descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        except OSError:
            continue
        with open(descriptor, "rb") as file:
            status = os.fstat(descriptor)
            if stat.S_ISREG(status.st_mode):
                entries.append(Entry(name, file.read(MAX_ENTRY), status))
    return entries


def expiry(entry: Entry) -> float | None:
    """When a file cache entry expires (its first pickle: a time, or None for never), read
    opcode by opcode: the grader never unpickles what the learner's server wrote."""
    for opcode, argument, _position in pickletools.genops(io.BytesIO(entry.data)):
        if opcode.name in ("BINFLOAT", "FLOAT", "BININT", "BININT1", "BININT2", "INT", "LONG1"):
            return float(argument)
        if opcode.name == "NONE":
            return None
    raise ValueError("no expiry")


def kept_too_long(entry: Entry) -> str | None:
    """A sentence when `entry` is kept longer than TTL, or forever."""
    try:
        until = expiry(entry)
    except ValueError:  # pickletools' own errors are ValueErrors too
        return f"the cache file {entry.name} does not start with its expiry"
    if until is None:
        return f"the forecast is kept in the cache forever (timeout=None), not for {TTL} s"
    kept = until - entry.status.st_mtime
    if kept > TTL + SLACK:
        return f"the forecast is kept in the cache for {kept:.0f} s, not {TTL} s"
    return None


@contextlib.contextmanager
def slow(folder: int | None, entries: list[Entry], seconds: float) -> Iterator[None]:
    """Each cache file answers its first reader only after `seconds`, as a cache server far
    away would: a named pipe takes its place, and the grader writes the entry into it."""
    piped = []
    for entry in entries:
        kept = f"{entry.name}.kept"
        try:
            os.rename(entry.name, kept, src_dir_fd=folder, dst_dir_fd=folder)
            piped.append(entry)
            os.mkfifo(entry.name, 0o600, dir_fd=folder)
            pipe = os.open(entry.name, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        except OSError:  # the server changed its cache meanwhile
            continue
        try:  # through the descriptor: the pipe the grader made, whatever took its name since
            if stat.S_ISFIFO(os.fstat(pipe).st_mode):
                os.fchmod(pipe, 0o644)
                os.fchown(pipe, entry.status.st_uid, entry.status.st_gid)
        finally:
            os.close(pipe)
    done = threading.Event()

    def answer(entry: Entry) -> bool:
        """Whether `entry` is answered: a reader opened it, and got it `seconds` later."""
        try:  # fails until a reader opens the pipe
            pipe = os.open(entry.name, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        except OSError:
            return False
        try:
            if stat.S_ISFIFO(os.fstat(pipe).st_mode):  # not a file the server wrote since
                time.sleep(seconds)
                feed(pipe, entry.data, time.monotonic() + FEED_TIMEOUT)
        finally:
            restore(entry)  # before the pipe closes: a later reader finds the plain file
            os.close(pipe)
        return True

    def restore(entry: Entry) -> None:
        """The entry a plain file again, unless the server wrote a new one in the pipe's place."""
        kept = f"{entry.name}.kept"
        with contextlib.suppress(OSError):
            if stat.S_ISFIFO(os.stat(entry.name, dir_fd=folder, follow_symlinks=False).st_mode):
                os.replace(kept, entry.name, src_dir_fd=folder, dst_dir_fd=folder)
        with contextlib.suppress(OSError):
            os.unlink(kept, dir_fd=folder)

    def serve() -> None:
        waiting = piped
        while waiting and not done.wait(0.005):
            waiting = [entry for entry in waiting if not answer(entry)]

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        yield
    finally:
        done.set()
        server.join()
        for entry in piped:
            restore(entry)


def feed(pipe: int, data: bytes, deadline: float) -> None:
    """Write `data` into `pipe` (non-blocking) as its reader reads, until `deadline`."""
    while data and time.monotonic() < deadline:
        select.select([], [pipe], [], max(0.0, deadline - time.monotonic()))
        try:
            data = data[os.write(pipe, data) :]
        except BlockingIOError:
            continue
        except OSError:  # the reader left
            return


def check(site: Site) -> list[str]:
    first = site.request("GET", PATH)
    with cache_folder(site) as folder:
        entries = cache_entries(folder)
        with slow(folder, entries, SLOW), LoopWatch(site.pid) as watch:
            second = site.request("GET", PATH)
    if problems := carried(site, PATH, [first], "/forecast", "the weather API"):
        return problems
    site.api.settle()
    calls = site.api.records.calls["/forecast"]
    if calls == 1 and (problems := unexpected(PATH, second, 200, first.json())):
        return problems  # not the forecast kept from the first request
    if calls != 1:
        problems.append(
            f"two requests to {PATH} called the weather API {calls} times: the second must be "
            "served from the cache"
        )
    if not entries:
        problems.append(
            "nothing was kept in Django's cache: after the first request its folder held no "
            ".djcache file"
        )
    problems += [sentence for sentence in map(kept_too_long, entries) if sentence]
    blocked = watch.report().blocking(requests=1)
    if blocked:
        problems.append(
            f"with each cache file answering after {SLOW:g} s, as a cache server far away "
            f"would, the view read the cache on the event loop: {blocked}"
        )
    return problems


SCENARIO = Scenario(
    check=check,
    live=Live(PATH),
    behaviour=Behaviour(latency=0.5),
    unconfirmed="that the API is asked again once the entry expired: the grader cannot move"
    " the server's clock a minute on, so a dict kept in front of the cache goes unseen",
)
