"""Real servers for `test_truth.py`: the local fake API and uvicorn serving a copy of the course.

Everything listens on 127.0.0.1 only. Every process started here stops by
itself: uvicorn after `--limit-max-requests`, both when the test process dies
(the kernel sends them SIGTERM on Linux), and both are killed when their
`with` block ends, whatever happened inside it.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import h11
import httpx

from grader.sealed.database import django
from grader.sealed.site import (
    HOST,
    Reply,
    cpu_seconds,
    free_port,
    send,
    together,
    uvicorn_command,
)

START_TIMEOUT = 20.0  # seconds for a server to accept connections
STOP_TIMEOUT = 5.0  # seconds for a server to stop after SIGTERM, before SIGKILL
PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
CALL_LINE = re.compile(  # 17:02:03.512 GET /forecast answered 200 after 1.00 s (1 in flight)
    r"^(?P<clock>\d\d:\d\d:\d\d\.\d{3}) (?P<call>\S+ \S+) "
    r"(?P<outcome>answered \d+|abandoned by the caller|dropped the connection) "
    r"after (?P<seconds>[\d.]+) s \((?P<in_flight>\d+) in flight\)$"
)


PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def _die_with_the_parent() -> None:  # runs in the child, between fork and exec
    """Linux: the child gets SIGTERM when the test process dies, even by SIGKILL."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def server_environment(**extra: str) -> dict[str, str]:
    """The test's environment, without proxies (everything here is local), plus `extra`."""
    environment = {
        name: value for name, value in os.environ.items() if name.lower() not in PROXY_VARIABLES
    }
    environment.update(extra, PYTHONUNBUFFERED="1")
    return environment


def course_environment(tree: Path, **extra: str) -> dict[str, str]:
    """The environment of a process run in `tree`, a copy of the course: its settings, its database.

    DATABASE_URL names the copy's own `db.sqlite3` (the settings' default) even
    when the test's environment names another database: each copy is served
    from the database it was migrated and stocked in, never from a shared one.
    """
    return server_environment(
        DJANGO_SETTINGS_MODULE="course.settings",
        DATABASE_URL=f"sqlite:///{tree.resolve() / 'db.sqlite3'}",
        **extra,
    )


def django_command(tree: Path, *args: str) -> str:
    """Run `python -m django ARGS` in `tree` against its own database, to its end: what it
    printed (as sealed grading stocks its database)."""
    return django(tree, f"sqlite:///{tree.resolve() / 'db.sqlite3'}", list(args))


@dataclass
class Server:
    """A server process and every line it printed so far (stdout and stderr together)."""

    name: str
    process: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def output(self) -> str:
        return "\n".join(self.lines) or "(nothing)"

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.output()}")
            with socket.socket() as probe:
                probe.settimeout(0.5)
                if probe.connect_ex((HOST, self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(
            f"{self.name} did not listen within {START_TIMEOUT:g} s:\n{self.output()}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        self.reader.join(timeout=STOP_TIMEOUT)  # it closes the pipe at its end


@contextlib.contextmanager
def serve(
    name: str, command: list[str], port: int, cwd: Path, env: dict[str, str]
) -> Iterator[Server]:
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_die_with_the_parent,
    )
    server = Server(name, process, port)
    try:
        server.wait_until_listening()
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class Call:
    """One call the fake API printed: `17:02:03.512 GET /forecast answered 200 after 1.00 s
    (1 in flight)`; `in_flight` counts the calls in flight as it ended, itself included."""

    call: str
    outcome: str
    seconds: float
    in_flight: int = 1

    @property
    def answered(self) -> bool:
        return self.outcome.startswith("answered")

    @property
    def abandoned(self) -> bool:
        return self.outcome == "abandoned by the caller"


class FakeAPI:
    """`python -m course.fake_api`, and the calls it reported."""

    def __init__(self, server: Server, latency: float) -> None:
        self.server = server
        self.latency = latency
        self.url = server.url

    def calls(self) -> list[Call]:
        found = (CALL_LINE.match(line) for line in list(self.server.lines))
        return [
            Call(match["call"], match["outcome"], float(match["seconds"]), int(match["in_flight"]))
            for match in found
            if match
        ]

    def wait_for_calls(self, count: int, timeout: float) -> list[Call]:
        """The calls reported so far, once there are `count` of them (or `timeout` passed)."""
        deadline = time.monotonic() + timeout
        while len(calls := self.calls()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return calls


def connections_to(port: int) -> int:
    """How many connections to 127.0.0.1:`port` are open now, as the kernel lists them: a
    server's call to a fake API shows there before the API has read a byte of it."""
    target = f"0100007F:{port:04X}"
    with open("/proc/net/tcp", encoding="ascii") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return sum(row[2] == target and row[3] == "01" for row in rows)  # 01: established


@contextlib.contextmanager
def fake_api(
    tree: Path, latency: float, port: int | None = None, options: tuple[str, ...] = ()
) -> Iterator[FakeAPI]:
    """`python -m course.fake_api` on `port` (a free one by default), misbehaving as `options`
    say (`--hang /forecast`)."""
    port = port or free_port()
    command = [
        sys.executable, "-m", "course.fake_api", "--latency", f"{latency:g}", "--port", str(port),
        *options,
    ]  # fmt: skip
    with serve("the fake API", command, port, tree, server_environment()) as server:
        yield FakeAPI(server, latency)


class Site:
    """uvicorn serving `tree`, a copy of the course, talking to its own fake API.

    `api_calls` counts the API calls of the requests sent so far: `api_paths`
    maps each request path (query included) of a view that calls the API to
    the calls one request makes, so a test can wait until the fake API has
    reported them all.
    """

    def __init__(
        self,
        tree: Path,
        server: Server,
        api: FakeAPI,
        api_paths: Mapping[str, int],
        stack: contextlib.ExitStack | None = None,
    ) -> None:
        self.tree = tree
        self.server = server
        self.api = api
        self._stack = stack  # what stops the servers: the fake API started again joins it
        self.url = server.url
        self.api_paths = api_paths
        self.api_calls = 0
        self._counting = threading.Lock()

    def client(self, timeout: float = 30.0) -> httpx.Client:
        """A client for this site: no proxies, no certificates to load (plain HTTP on loopback)."""
        return httpx.Client(base_url=self.url, trust_env=False, verify=False, timeout=timeout)

    def send(
        self,
        client: httpx.Client,
        method: str,
        path: str,
        json: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        if path in self.api_paths:
            with self._counting:
                self.api_calls += self.api_paths[path]
        return send(client, method, path, json, headers)

    def request(
        self,
        method: str,
        path: str,
        *,
        timeout: float = 30.0,
        json: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """One request; `headers` as a browser would add them (`Cookie: sessionid=…`)."""
        with self.client(timeout) as client:
            return self.send(client, method, path, json, headers)

    def at_once(
        self, count: int, method: str, path: str, *, json: object = None, timeout: float = 30.0
    ) -> tuple[float, list[Reply]]:
        """Send `count` requests at the same moment, one thread each: (seconds for all, replies)."""
        return self.together([(method, path)] * count, json=json, timeout=timeout)

    def together(
        self, requests: list[tuple[str, str]], *, json: object = None, timeout: float = 30.0
    ) -> tuple[float, list[Reply]]:
        """Send every (method, path) of `requests` at the same moment, one thread each:
        (seconds for all, replies in the order of `requests`)."""
        return together(lambda: self.client(timeout), requests, json, sender=self.send)

    def settle(self, timeout: float = 10.0) -> list[Call]:
        """The fake API's calls, once it has reported every call this site's views made."""
        return self.api.wait_for_calls(self.api_calls, timeout)

    @contextlib.contextmanager
    def api_misbehaving(self, *options: str) -> Iterator[FakeAPI]:
        """The fake API stopped and started again on its port with `options` (`--hang
        /forecast`), as a learner restarts it by hand while uvicorn goes on; then stopped and
        started again as it was. Either one's calls are counted afresh."""
        assert self._stack is not None, "a site started by `course_site` restarts its fake API"
        self.settle()
        usual = self.api
        usual.server.stop()
        try:
            with fake_api(self.tree, usual.latency, usual.server.port, options) as misbehaving:
                self.api, self.api_calls = misbehaving, 0
                yield misbehaving
        finally:
            restarted = fake_api(self.tree, usual.latency, usual.server.port)
            self.api, self.api_calls = self._stack.enter_context(restarted), 0


@dataclass
class Answer:
    """A reply read by `queued_then`: `turn` is the selector round that first saw it."""

    status: int | None
    body: bytes
    seconds: float  # from the moment its request was written
    turn: int


@dataclass
class Queue:
    """What `queued_then` saw: the queued requests' answers, the last request's, and the
    server's CPU time from the moment the last request was written to the last answer
    (`cpu_after_last`), and from the moment the first was written (`cpu_in_all`)."""

    queued: list[Answer]
    last: Answer
    cpu_after_last: float
    cpu_in_all: float

    def answered_before_last(self) -> int:
        return sum(answer.turn < self.last.turn for answer in self.queued)

    def answered_after_last(self) -> int:
        return sum(answer.turn > self.last.turn for answer in self.queued)


def _request_bytes(method: str, path: str, body: object) -> bytes:
    content = b"" if body is None else json.dumps(body).encode()
    headers = [("host", HOST), ("connection", "close"), ("content-length", str(len(content)))]
    if body is not None:
        headers.append(("content-type", "application/json"))
    client = h11.Connection(h11.CLIENT)
    data = client.send(h11.Request(method=method, target=path, headers=headers))
    return data + client.send(h11.Data(data=content)) + client.send(h11.EndOfMessage())


def _parsed(data: bytes) -> tuple[int | None, bytes]:
    client = h11.Connection(h11.CLIENT)
    client.send(h11.Request(method="GET", target="/", headers=[("host", HOST)]))
    client.send(h11.EndOfMessage())
    client.receive_data(data)
    client.receive_data(b"")
    status, body = None, b""
    while True:
        try:
            event = client.next_event()
        except h11.RemoteProtocolError:
            return status, body
        if isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data):
            body += event.data
        elif event in (h11.NEED_DATA, h11.PAUSED) or isinstance(
            event, h11.EndOfMessage | h11.ConnectionClosed
        ):
            return status, body


def queued_then(
    site: Site, queued: list[tuple[str, str, object]], last: tuple[str, str], timeout: float = 60
) -> Queue:
    """Write every (method, path, json) of `queued`, then `last`, and read every answer.

    Each request has a connection of its own, opened before any is written (so
    the server has accepted them all while idle). They are written from this
    one thread, `queued` first: when `last` is written, every queued request
    is already in the server's socket buffers. One selector then reads every
    connection: an answer it first sees in a later round than another was
    written by the server after it, whatever the load on this machine (no
    thread of the reader can fall behind another).
    """
    requests = [*queued, (*last, None)]
    sockets = [socket.create_connection((HOST, site.server.port)) for _ in requests]
    with contextlib.ExitStack() as stack, selectors.DefaultSelector() as selector:
        for connection in sockets:
            stack.enter_context(connection)
        time.sleep(0.1)  # uvicorn accepts the connections
        pid = site.server.process.pid
        cpu_first = cpu_seconds(pid)
        written = []
        for index, (method, path, body) in enumerate(requests):
            connection = sockets[index]
            if index == len(queued):
                cpu_then = cpu_seconds(pid)
            connection.sendall(_request_bytes(method, path, body))
            written.append(time.perf_counter())
            connection.setblocking(False)
            selector.register(connection, selectors.EVENT_READ, index)
        data = {index: b"" for index in range(len(requests))}
        first_seen: dict[int, tuple[int, float]] = {}
        turn = 0
        deadline = time.monotonic() + timeout
        while selector.get_map() and time.monotonic() < deadline:
            turn += 1
            for key, _ in selector.select(timeout=max(deadline - time.monotonic(), 0)):
                chunk = key.fileobj.recv(1 << 16)
                first_seen.setdefault(key.data, (turn, time.perf_counter()))
                data[key.data] += chunk
                if not chunk:
                    selector.unregister(key.fileobj)
        cpu_now = cpu_seconds(pid)
    answers = []
    for index in range(len(requests)):
        seen, when = first_seen.get(index, (turn + 1, time.perf_counter()))
        answers.append(Answer(*_parsed(data[index]), when - written[index], seen))
    return Queue(answers[:-1], answers[-1], cpu_now - cpu_then, cpu_now - cpu_first)


@contextlib.contextmanager
def course_site(
    tree: Path, latency: float, max_requests: int, api_paths: Mapping[str, int]
) -> Iterator[Site]:
    """The fake API and `uvicorn course.asgi:application` run from `tree`, a copy of the course.

    uvicorn uses `tree`'s own database: migrate it (`django_command`) before.
    """
    with contextlib.ExitStack() as stack:
        api = stack.enter_context(fake_api(tree, latency))
        port = free_port()
        command = uvicorn_command(sys.executable, port, max_requests, grace=2)
        environment = course_environment(tree, AWAITLINGS_API=api.url)
        server = stack.enter_context(serve("uvicorn", command, port, tree, environment))
        yield Site(tree, server, api, api_paths, stack)
