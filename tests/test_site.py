"""The outside check's servers (`grader/sealed/site.py`) start and behave on a busy machine.

Its ports are never given away before a server binds them, and the judge's
fake API holds a call for as long as a scenario needs it in flight
(`JudgeAPI.holding`): that lets exercise 05's scenario have a visitor leave
while the view waits for its call, on a machine of any load. The call is not
answered, and no read timeout of the caller's own ends it, until the hold
ends; only the caller leaving does.
"""

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from course.fake_api import Behaviour
from grader.run import OutputTail
from grader.sealed.scenario import most_at_once
from grader.sealed.site import (
    FIRST_PORT,
    HOST,
    JudgeAPI,
    ServerDidNotStart,
    _wait_until_listening,
    free_port,
    together,
)

pytestmark = pytest.mark.timeout(60)

PATH = "/forecast"


def wait_for_call(api: JudgeAPI) -> None:
    deadline = time.monotonic() + 30
    while api.records.calls[PATH] == 0:
        assert time.monotonic() < deadline, "the call never reached the fake API"
        time.sleep(0.01)


def test_a_port_another_process_listens_on_is_not_taken_for_the_server_s() -> None:
    # The server lost its port to another process (here: this one), and exits once it fails
    # to bind: that is a server that did not start, not one that listens.
    port = free_port()
    with socket.create_server((HOST, port)):
        server = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(1); print('address already in use')"],
            stdout=subprocess.PIPE,
        )
        with pytest.raises(ServerDidNotStart, match="address already in use"):
            _wait_until_listening(port, server, server.pid, OutputTail(server.stdout))
        server.wait()


def test_a_visitor_whose_connection_fails_gets_a_reply_naming_the_error() -> None:
    # A raw visitor's socket (`leave_when`) raises when the server resets it: the reply says
    # so, not that no reply came within a minute.
    def reset(client: object, method: str, path: str, json: object) -> None:
        raise ConnectionResetError(104, "Connection reset by peer")

    _seconds, replies = together(httpx.Client, [("GET", PATH)] * 2, sender=reset)

    assert [reply.error for reply in replies] == [
        "ConnectionResetError: [Errno 104] Connection reset by peer"
    ] * 2


def test_free_ports_lie_below_the_ephemeral_range_and_are_never_offered_twice() -> None:
    ephemeral = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])

    ports = [free_port() for _ in range(50)]

    assert len(set(ports)) == len(ports), "a port was offered twice"
    assert all(FIRST_PORT <= port < ephemeral for port in ports), ports


def test_a_held_call_outlasts_the_callers_read_timeout_and_is_answered_once_released() -> None:
    outcome: list[object] = []

    def call(url: str) -> None:
        try:
            outcome.append(httpx.get(url, timeout=0.3))
        except httpx.HTTPError as error:
            outcome.append(error)

    with JudgeAPI(Behaviour(latency=0)) as api:
        with api.holding(PATH):
            caller = threading.Thread(target=call, args=(api.url + PATH,))
            caller.start()
            wait_for_call(api)
            time.sleep(1)  # over three of the caller's read timeouts
            assert api.records.in_flight[PATH] == 1, "a held call ended before its hold"
        caller.join(timeout=30)

    [response] = outcome
    assert isinstance(response, httpx.Response), f"the caller got {response!r}"
    assert response.status_code == 200
    assert set(response.json()) == {"city", "temperature", "sky"}
    assert (api.records.answered[PATH], api.records.abandoned[PATH]) == (1, 0)


def test_a_held_call_whose_caller_leaves_is_abandoned() -> None:
    with JudgeAPI(Behaviour(latency=0)) as api, api.holding(PATH):
        with socket.create_connection((HOST, api.port), timeout=30) as caller:
            caller.sendall(f"GET {PATH} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            wait_for_call(api)
        api.settle()

        assert (api.records.answered[PATH], api.records.abandoned[PATH]) == (0, 1)


def test_calls_gathered_overlap_however_late_each_comes() -> None:
    replies: list[int] = []

    def late_call(url: str, delay: float) -> None:
        time.sleep(delay)  # a request that reaches the server late, as on a loaded machine
        replies.append(httpx.get(url, timeout=30).status_code)

    with JudgeAPI(Behaviour(latency=0)) as api, api.gathering(PATH, 3, timeout=30):
        callers = [
            threading.Thread(target=late_call, args=(api.url + PATH, delay))
            for delay in (0, 0.5, 1.0)
        ]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(timeout=40)

    assert replies == [200, 200, 200]
    assert most_at_once(api.records.times[PATH]) == 3


def test_a_gathering_that_cannot_meet_any_more_lets_its_calls_go_at_once() -> None:
    # A server whose loop blocked for good sends no other call (`at_once_watched`).
    futile = threading.Event()
    with (
        JudgeAPI(Behaviour(latency=0)) as api,
        api.gathering(PATH, 3, 40, futile.is_set),
        httpx.Client(base_url=api.url, timeout=30) as client,
    ):
        threading.Timer(0.3, futile.set).start()
        started = time.monotonic()
        status = client.get(PATH).status_code
        waited = time.monotonic() - started

    assert status == 200
    assert waited < 30, "the call waited out the gathering's 40 s"


def test_calls_made_one_after_another_meet_nobody_and_wait_once() -> None:
    with JudgeAPI(Behaviour(latency=0)) as api, api.gathering(PATH, 3, timeout=0.5):
        with httpx.Client(base_url=api.url, timeout=30) as client:
            statuses = [client.get(PATH).status_code for _ in range(3)]

        assert PATH not in api._held, "a gathering whose time has come holds nothing more"

    assert statuses == [200, 200, 200]
    assert most_at_once(api.records.times[PATH]) == 1
