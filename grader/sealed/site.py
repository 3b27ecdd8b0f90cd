"""The outside check's two servers: the judge's fake API, and the learner's course under uvicorn.

The fake API runs in the grader's own process (a thread), so what it records
(every call, calls in flight at once, calls abandoned by the caller) is the
judge's, not the learner's. The course runs in the sandbox: `uvicorn
course.asgi:application`, the application a production server runs, on
127.0.0.1 and a free port, stopping by itself after a bounded number of
requests. The grader talks to it over loopback and judges only what it sees:
the answers, the fake API's records, the database and cache files it reads
itself, and what the kernel says about the server's event-loop thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import html
import itertools
import json
import os
import re
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn

from course.fake_api import Behaviour, make_app
from grader.run import OutputTail
from grader.sealed.sandbox import Sandbox

HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds for the course to accept connections (Django's start, under load)
MAX_REQUESTS = 200  # uvicorn stops by itself after this many
PORT_TRIES = 3  # ports a server is given in turn while another process takes each first
TRICKLE = 0.1  # seconds between the spaces of a held call's answer
MAX_BODY = 1 << 20  # bytes of an answer the grader reads at most (the largest page is ~10 KiB)


FIRST_PORT = 10_000  # the lowest port `free_port` offers
_offered = itertools.count()  # ports this process offered so far


def free_port() -> int:
    """A port nobody listens on now, for a server about to bind it.

    Taken below the kernel's ephemeral range: there neither an outgoing
    connection nor a socket bound to port 0 can be given it in the moment
    before the server binds it (CI, issue 16: a uvicorn lost the kernel's pick
    to a connection on a busy PostgreSQL line, and 26 tests with it). Each
    process walks its own stretch, from where its pid says, and never offers a
    port twice: servers it starts side by side get ports of their own, and a
    fake API restarted on its port keeps it.
    """
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32_768  # Linux's default
    span = low - FIRST_PORT
    start = os.getpid() * 2_654_435_761 % max(span, 1)  # far apart for pids close together
    for _ in range(max(span, 0)):
        port = FIRST_PORT + (start + next(_offered)) % span
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:  # no room below the ephemeral range: the kernel's pick
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Records:
    """What the judge's fake API saw, path by path."""

    calls: Counter[str] = field(default_factory=Counter)
    answered: Counter[str] = field(default_factory=Counter)
    abandoned: Counter[str] = field(default_factory=Counter)
    peak_overall: int = 0  # most calls in flight at once, to any path
    in_flight: Counter[str] = field(default_factory=Counter)
    # (start, end) of each finished call, on the grader's time.perf_counter() (as `Reply`'s)
    times: defaultdict[str, list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (start, sent, answer) of each call answered 200, `answer` its JSON: `sent` is taken just
    # before the body was handed to the connection, so nobody can have read it before then
    answers: defaultdict[str, list[tuple[float, float, object]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (path, start, end, answered) of each finished call, in the order they ended
    log: list[tuple[str, float, float, bool]] = field(default_factory=list)

    def total(self, counter: Counter[str], prefix: str = "/") -> int:
        return sum(count for path, count in counter.items() if path.startswith(prefix))


class JudgeAPI:
    """The course's fake APIs (`course.fake_api`), served from a thread of the grader, recording.

    Its answers are salted with a secret drawn afresh for each behaviour: no
    two calls answer alike, and none like the constant answers anyone can
    read, so the learner's server can show an answer only by asking for it,
    and a scenario traces each reply to the call whose answer it carries
    (`Records.answers`).
    """

    def __init__(self, behaviour: Behaviour) -> None:
        self._lock = threading.Lock()
        # path → whether its calls still wait, unanswered (`holding`, `gathering`)
        self._held: dict[str, Callable[[], bool]] = {}
        self.behave(behaviour)
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        config = uvicorn.Config(
            self._record,
            host=HOST,
            port=self.port,
            lifespan="off",
            log_level="error",
            interface="asgi3",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def behave(self, behaviour: Behaviour) -> None:
        """From now on, `behaviour` and empty records (the truth check reuses one fake API)."""
        # a copy: the app counts `busy` answers down, and a scenario's own stays as declared
        salted = dataclasses.replace(copy.deepcopy(behaviour), salt=secrets.token_hex(16))
        with self._lock:
            self._app = make_app(salted, report=lambda line: None)
            self.records = Records()

    async def _record(self, scope: dict, receive, send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        answered = False
        status, body = None, b""

        async def sending(message: dict) -> None:
            nonlocal answered, status, body
            if message["type"] == "http.response.start":
                answered, status = True, message["status"]
            elif message["type"] == "http.response.body":
                body += message.get("body", b"")
                if status == 200 and not message.get("more_body"):
                    # kept before the body leaves: no reply carrying it can come back earlier
                    with self._lock:
                        answer = (started, time.perf_counter(), json.loads(body))
                        records.answers[path].append(answer)
            await send(message)

        with self._lock:
            records, app = self.records, self._app  # those of the scenario this call belongs to
            started = time.perf_counter()
            records.calls[path] += 1
            records.in_flight[path] += 1
            records.peak_overall = max(records.peak_overall, sum(records.in_flight.values()))
        try:
            if path in self._held:
                held = await self._while_held(path, receive, send)
                if held is None:
                    return  # the caller left: abandoned
                receive, send = held  # `sending` passes the answer on to this `send`
            await app(scope, receive, sending)
        finally:
            with self._lock:
                records.in_flight[path] -= 1
                (records.answered if answered else records.abandoned)[path] += 1
                ended = time.perf_counter()
                records.times[path].append((started, ended))
                records.log.append((path, started, ended, answered))

    async def _while_held(self, path: str, receive, send):
        """Hold a call to `path` for as long as the path is held.

        Its headers go out at once (200, JSON), then a space every `TRICKLE`
        seconds (JSON allows leading whitespace): no read timeout of the
        caller's own ends the wait, only the caller leaving does. Returns the
        (receive, send) to answer with once released (they give again what was
        read meanwhile, and leave out the headers already sent), or None when
        the caller left first.
        """
        seen: list[dict] = []

        async def watch() -> None:
            while (message := await receive())["type"] != "http.disconnect":
                seen.append(message)

        watching = asyncio.ensure_future(watch())
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        while self._holds(path) and not watching.done():
            await send({"type": "http.response.body", "body": b" ", "more_body": True})
            await asyncio.sleep(TRICKLE)
        if watching.done():
            return None
        watching.cancel()

        async def replayed() -> dict:
            return seen.pop(0) if seen else await receive()

        async def rest(message: dict) -> None:
            if message["type"] != "http.response.start":
                await send(message)

        return replayed, rest

    def _holds(self, path: str) -> bool:
        """Whether calls to `path` still wait; a hold whose time has come ends for good."""
        keep = self._held.get(path)
        if keep is None or keep():
            return keep is not None
        with self._lock:
            self._held.pop(path, None)
        return False

    @contextlib.contextmanager
    def holding(self, path: str) -> Iterator[None]:
        """Calls to `path` wait, unanswered, until the block ends or their caller leaves
        (`_while_held`); then they are answered as the behaviour says, with status 200.

        A scenario that needs a call still in flight at some moment of its own
        (a visitor leaves while the view waits for it) holds it there, instead
        of racing the fake API's latency on a machine of unknown load.
        """
        with self._held_while(path, lambda: True):
            yield

    @contextlib.contextmanager
    def gathering(
        self, path: str, count: int, timeout: float, futile: Callable[[], bool] = lambda: False
    ) -> Iterator[None]:
        """Calls to `path` wait, unanswered, until `count` of them are in flight together, or
        `timeout` seconds have passed, or `futile()` says they cannot all come; from then on,
        none waits.

        A rendezvous: requests sent at once reach a loaded server over a second
        apart at times, and calls answered after a fixed latency would then not
        overlap even from a server that lets them all wait side by side. Held
        until all have come, they overlap from every such server; from one that
        makes each wait for the others, never more than one comes.
        """
        deadline = time.monotonic() + timeout

        def waiting() -> bool:
            return (
                self.records.in_flight[path] < count
                and time.monotonic() < deadline
                and not futile()
            )

        with self._held_while(path, waiting):
            yield

    @contextlib.contextmanager
    def _held_while(self, path: str, keep: Callable[[], bool]) -> Iterator[None]:
        with self._lock:
            self._held[path] = keep
        try:
            yield
        finally:
            with self._lock:
                self._held.pop(path, None)

    def __enter__(self) -> JudgeAPI:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the judge's fake API did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def forget(self) -> None:
        """Empty records from now on, the behaviour as it is (after a warm-up request)."""
        with self._lock:
            self.records = Records()

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until no call is in flight (the server's views finished or gave up)."""
        deadline = time.monotonic() + timeout
        while sum(self.records.in_flight.values()) and time.monotonic() < deadline:
            time.sleep(0.02)


@dataclass
class Reply:
    """What one request got: a response or an error, and when."""

    status: int | None
    body: bytes
    error: str | None
    started: float
    ended: float
    # Lower-case names; a header sent more than once (Set-Cookie) has its values joined by ", ".
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def json(self) -> object:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def shown(self) -> str:
        """The reply in a few words. Django's debug page starts with kilobytes of style:
        it is shown by its title and exception value (`500 TypeError at /path: …`)."""
        if self.error is not None:
            return self.error
        title = re.search(rb"<title>(.*?)</title>", self.body, re.DOTALL)
        value = re.search(rb'<pre class="exception_value">(.*?)</pre>', self.body, re.DOTALL)
        if title and value:
            return f"{self.status} {_text(title[1])}: {_text(value[1])[:300]}"
        return f"{self.status} {self.body[:300]!r}"


def _text(html_text: bytes) -> str:
    return " ".join(html.unescape(html_text.decode(errors="replace")).split())


@dataclass
class Site:
    """The learner's course served by uvicorn in the sandbox, and the judge's fake API."""

    url: str
    pid: int  # the server process, as the grader's /proc shows it
    api: JudgeAPI
    home: Path  # the learner process's own folder: its cache (and SQLite database)
    output: OutputTail
    database: str  # the server's DATABASE_URL: `grader.sealed.database.rows_of` reads it
    sandbox: Sandbox
    interpreter: str  # the Python the server runs on

    def python(self, code: str, *args: str, timeout: float = 60) -> tuple[int, str]:
        """Run `code` (the grader's) with `args` as the server's user, in its sandbox and its
        folder: (exit status, what it printed). For work in the learner's folder, where a link
        could lead a process of the grader's anywhere."""
        process = self.sandbox.popen(
            [self.interpreter, "-I", "-c", code, *args],
            self.home,
            self.sandbox.environment(self.home),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # its session only: `Sandbox.end` would, as a subreaper, end the server too
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            output = b"(stopped: it took too long)"
        return process.returncode, output.decode(errors="replace")[-2000:]

    def client(self, timeout: float = 30.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, trust_env=False, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        *,
        timeout: float = 30.0,
        json: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        with self.client(timeout) as client:
            return send(client, method, path, json, headers)

    def at_once(self, count: int, method: str, path: str) -> tuple[float, list[Reply]]:
        return self.together([(method, path)] * count)

    def together(self, requests: list[tuple[str, str]]) -> tuple[float, list[Reply]]:
        """Send every (method, path) at the same moment, one thread each: (seconds, replies)."""
        return together(self.client, requests)

    def leave_once_called(
        self, path: str, api_path: str, timeout: float = START_TIMEOUT
    ) -> Reply | None:
        """A visitor who asks for `path` and leaves as soon as the view has called the fake
        API's `api_path` (held there, see `JudgeAPI.holding`): see `leave_when`."""
        records = self.api.records
        calls = records.calls[api_path]

        def called() -> bool:
            return records.calls[api_path] > calls

        return leave_when(self.url, path, called, f"no call to {api_path}", timeout)


def read_until(
    url: str, path: str, enough: Callable[[bytes], bool], waiting_for: str, timeout: float
) -> Reply:
    """A visitor who asks `url` for `path`, reads the answer as it comes until `enough(body
    so far)` (the raw body: a streamed one keeps its chunked framing), then leaves: the Reply
    read so far. An error Reply starting with `waiting_for` when the answer ended, or
    `timeout` seconds passed, first.

    A streamed answer is judged by what has arrived at a moment of the judge's
    choosing (while the judge's fake API holds a call), never by a whole body.
    """
    port = int(url.rsplit(":", 1)[1])
    started = time.perf_counter()
    received = b""
    with socket.create_connection((HOST, port), timeout=timeout) as visitor:
        visitor.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode())
        while time.perf_counter() - started < timeout and len(received) < MAX_BODY:
            if select.select([visitor], [], [], 0.01)[0]:
                more = visitor.recv(65536)
                if not more:
                    break
                received += more
                reply = _raw_reply(received, started)
                if b"\r\n\r\n" in received and enough(reply.body):
                    return reply
    reply = _raw_reply(received, started)
    error = f"{waiting_for} within {timeout:g} s (read: {reply.body[:200]!r})"
    return dataclasses.replace(reply, error=error)


def leave_when(
    url: str,
    path: str,
    ready: Callable[[], bool],
    waiting_for: str,
    timeout: float,
    whole: Callable[[bytes], bool] = lambda received: True,
) -> Reply | None:
    """A visitor who asks `url` for `path` and leaves as soon as `ready()`: None once left.
    A Reply instead when the server answered first, or when `ready()` did not come true
    within `timeout` seconds (an error Reply starting with `waiting_for`). By default any
    bytes of an answer are an answer; with `whole`, the visitor reads on until `whole(bytes
    read)` says they hold one (a stream's head and first events do not) or the connection
    closes.

    Unlike `curl --max-time`, the moment of leaving does not race the server's
    start on a loaded machine: the visitor leaves at the step of the view it
    means to interrupt.
    """
    port = int(url.rsplit(":", 1)[1])
    started = time.perf_counter()
    received = b""
    with socket.create_connection((HOST, port), timeout=timeout) as visitor:
        visitor.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode())
        while not ready():
            if time.perf_counter() - started > timeout:
                error = f"{waiting_for} within {timeout:g} s"
                return Reply(None, b"", error, started, time.perf_counter())
            if select.select([visitor], [], [], 0.01)[0]:
                more = visitor.recv(MAX_BODY)
                received += more
                if not more or whole(received):
                    return _raw_reply(received, started)
    return None


def _raw_reply(received: bytes, started: float) -> Reply:
    """What a raw HTTP/1.1 answer's first bytes say: its status and the body read so far."""
    if not received:
        return Reply(None, b"", "the server closed the connection", started, time.perf_counter())
    head, _, body = received.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1:2]
    code = int(status[0]) if status and status[0].isdigit() else None
    return Reply(code, body, None, started, time.perf_counter())


def send(
    client: httpx.Client,
    method: str,
    path: str,
    json: object = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """One request, read at most MAX_BODY bytes and the client's timeout in all (as `curl
    --max-time`): a learner's server that answers without end, or drip by drip, cannot hold
    the grader."""
    started = time.perf_counter()
    deadline = started + (client.timeout.read or START_TIMEOUT)
    body = bytearray()
    try:
        with client.stream(method, path, json=json, headers=headers) as response:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BODY or time.perf_counter() > deadline:
                    ended = time.perf_counter()
                    if len(body) > MAX_BODY:
                        error = f"an answer longer than {MAX_BODY >> 20} MiB"
                    else:
                        error = f"an answer still coming after {ended - started:.0f} s"
                    return Reply(None, b"", f"{error}: the grader stopped reading", started, ended)
    except httpx.HTTPError as error:
        return Reply(None, b"", f"{type(error).__name__}: {error}", started, time.perf_counter())
    received: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        received[name] = f"{received[name]}, {value}" if name in received else value
    return Reply(response.status_code, bytes(body), None, started, time.perf_counter(), received)


def together(
    client_factory: Callable[[], httpx.Client],
    requests: list[tuple[str, str]],
    json: object = None,
    sender: Callable[..., Reply] = send,
) -> tuple[float, list[Reply]]:
    """Send every (method, path) of `requests` at once, one thread and client each.

    Each thread opens its client first; a barrier then lets them all go.
    Returns (seconds until the last reply, replies in the order of `requests`);
    a request with no reply within a minute gets a Reply saying so, and one whose
    sender raised, a Reply naming the error.
    """
    go = threading.Barrier(len(requests) + 1, timeout=START_TIMEOUT)
    replies: dict[int, Reply] = {}

    def one(index: int, method: str, path: str) -> None:
        with client_factory() as client:
            go.wait()
            started = time.perf_counter()
            try:
                replies[index] = sender(client, method, path, json)
            except OSError as error:  # a raw visitor's socket: reset, refused
                error_text = f"{type(error).__name__}: {error}"
                replies[index] = Reply(None, b"", error_text, started, time.perf_counter())

    threads = [
        threading.Thread(target=one, args=(index, *request), daemon=True)
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    go.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=60)
    missing = Reply(None, b"", "no reply within 60 s", started, time.perf_counter())
    ordered = [replies.get(index, missing) for index in range(len(requests))]
    return max(reply.ended for reply in ordered) - started, ordered


# uvicorn, writing a dump of every thread's stack to the file named first on each SIGUSR1.
DUMPING_UVICORN = (
    "import faulthandler, signal, sys; dumps = open(sys.argv.pop(1), 'w'); "
    "faulthandler.register(signal.SIGUSR1, file=dumps, all_threads=True); "
    "from uvicorn.main import main; sys.exit(main())"
)


def uvicorn_command(
    python: str,
    port: int,
    max_requests: int,
    grace: float = 1,
    dumps: Path | None = None,
    app: str = "course.asgi:application",
) -> list[str]:
    """uvicorn serving `app` on 127.0.0.1:`port`, stopping by itself after `max_requests`
    requests, given `grace` seconds to finish the last ones; with `dumps`, a file it writes a
    dump of its threads' stacks to on each SIGUSR1."""
    start = [python, "-c", DUMPING_UVICORN, str(dumps)] if dumps else [python, "-m", "uvicorn"]
    return [
        *start, app,
        "--host", HOST, "--port", str(port),
        "--limit-max-requests", str(max_requests),
        "--timeout-graceful-shutdown", f"{grace:g}",
        "--log-level", "warning",
    ]  # fmt: skip


def cpu_seconds(pid: int) -> float:
    """The CPU time process `pid` has used so far, every thread of it (Linux: /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def server_pid(sandbox: Sandbox, process_pid: int) -> int:
    """The uvicorn process's pid: the namespace's first process, or the one started."""
    if not sandbox.pid_namespace:
        return process_pid
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{process_pid}/task/{process_pid}/children").read_text().split()
            if children:
                return int(children[0])
        time.sleep(0.01)
    raise RuntimeError("the sandboxed server did not start")


@contextlib.contextmanager
def serve_course(
    sandbox: Sandbox,
    tree: Path,
    home: Path,
    api: JudgeAPI,
    python: str,
    database: str = "",
    dumps: Path | None = None,
    app: str = "course.asgi:application",
) -> Iterator[Site]:
    """uvicorn serving `app`, the course at `tree`, in the sandbox, its database at the URL
    `database` (by default `home/db.sqlite3`); with `dumps`, see `uvicorn_command`."""
    database = database or f"sqlite:///{home / 'db.sqlite3'}"
    environment = sandbox.environment(
        home,
        DJANGO_SETTINGS_MODULE="course.settings",
        DATABASE_URL=database,
        AWAITLINGS_API=api.url,
        PYTHONPATH=str(tree),  # the grader's own checkout is out of the learner's sight
    )
    for attempt in range(1, PORT_TRIES + 1):
        port = free_port()
        command = uvicorn_command(python, port, MAX_REQUESTS, dumps=dumps, app=app)
        process = sandbox.popen(
            command, tree, environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        output = OutputTail(process.stdout)
        try:
            pid = server_pid(sandbox, process.pid)
            _wait_until_listening(port, process, pid, output)
        except ServerDidNotStart:
            sandbox.end(process)
            # another process bound the port first: not the learner's doing, try another
            if "address already in use" in output.text() and attempt < PORT_TRIES:
                continue
            raise
        except BaseException:
            sandbox.end(process)
            raise
        break
    try:
        yield Site(f"http://{HOST}:{port}", pid, api, home, output, database, sandbox, python)
    finally:
        sandbox.end(process)


def _wait_until_listening(port: int, process, pid: int, output: OutputTail) -> None:
    """Until the server `pid` listens on `port`. A listener of another process's there (it
    bound the port after `free_port` offered it) is not taken for ours: uvicorn binds only
    once Django is set up, a second or more, and then exits, the address in use."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(f"the course's server exited at start: {output.text()[-500:]}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((HOST, port)) == 0 and _ours(_listener_of(port, pid), process):
                return
        time.sleep(0.05)
    raise ServerDidNotStart(f"the course's server did not listen within {START_TIMEOUT:g} s")


def _listener_of(port: int, likely: int) -> int | None:
    """The pid of the process listening on HOST:`port` now (`likely`'s is looked at first),
    from the kernel's table of TCP sockets and the processes' descriptors; None when /proc
    cannot tell (another user's)."""
    address = f"{int.from_bytes(socket.inet_aton(HOST), sys.byteorder):08X}:{port:04X}"
    try:
        rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    except OSError:
        return None
    inodes = {f"socket:[{row[9]}]" for row in rows if row[1] == address and row[3] == "0A"}
    for pid in [str(likely), *filter(str.isdigit, os.listdir("/proc"))]:
        with contextlib.suppress(OSError):
            for descriptor in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{descriptor}") in inodes:
                        return int(pid)
    return None


def _ours(listener: int | None, process: subprocess.Popen[bytes]) -> bool:
    """Whether `listener` is the process started or one of its descendants (a sandbox's
    namespace puts the server below it); True when /proc could not tell whose the listener
    is, False when a process on the way up ended meanwhile (the next look tells)."""
    while listener is not None and listener > 1:
        if listener == process.pid:
            return True
        try:
            listener = int(Path(f"/proc/{listener}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return listener is None


class ServerDidNotStart(Exception):
    """The learner's course could not be served (it exits at start, or never listens)."""
