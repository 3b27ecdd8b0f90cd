"""The edges of the harness's probes, one test per edge.

`test_probes.py` shows each probe going red on a wrong view and staying green
on a right one. That leaves the probes' edges loose: a probe mutated by hand
(a threshold off by one, a filter removed) could still pass it. Each test here
pins one edge of a probe; the mutation it catches is named in its docstring.

As in `test_probes.py`, this folder's conftest makes the harness treat
`tests/harness/views.py` as "the learner's code".
"""

import asyncio
import hashlib
import re
import socket
import time
import warnings

import httpx
import pytest
from blockbuster import BlockingError

from course.testing.blocking import BlockingGuard
from course.testing.locate import LearnerCode, Location
from course.testing.network import RealNetworkError, block_real_network
from tests.harness.conftest import HARNESS, VIEWS, VIEWS_FILE, failure, line_of

ITEM = {"name": "item"}

# Loop seconds. Longer than pytest's timeout (10 s of real time), so this much
# loop time can only pass on the fake clock, when a rendezvous waits it out:
# "less than LONG_RENDEZVOUS" means "no call waited for the rendezvous to give up".
LONG_RENDEZVOUS = 60.0


# The fake upstream's rendezvous


async def test_a_rendezvous_filled_by_exactly_count_calls_releases_them_at_once(client, upstream):
    """Mutation caught: `FakeUpstream._enter` releasing at count + 1 (`>` for `>=`).

    The peak would still be reached; the calls would sit out the whole
    rendezvous timeout instead of going on together.
    """
    for n in range(3):
        upstream.endpoint(f"https://api.example/item/{n}", json={"n": n})
    upstream.hold_until_in_flight(3, timeout=LONG_RENDEZVOUS)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await client.get("/all_at_once/")
    waited = loop.time() - started
    assert waited < LONG_RENDEZVOUS, f"3 calls in flight waited {waited:g} s for a rendezvous of 3"
    upstream.assert_in_flight_at_once(3, reason="unused")


async def test_after_giving_up_once_the_rendezvous_holds_no_later_call(client, upstream):
    """Mutation caught: `_meet_async` no longer setting `_rendezvous_over` when it times out.

    Every later call would wait the whole rendezvous timeout again.
    """
    items = [upstream.endpoint(f"https://api.example/item/{n}", json={"n": n}) for n in range(3)]
    upstream.hold_until_in_flight(3, timeout=LONG_RENDEZVOUS)
    await client.get("/one_after_another/")
    first, second, third = (item.call_times[0] for item in items)
    assert second - first >= LONG_RENDEZVOUS  # the first call alone: the rendezvous gave up
    assert third - second < LONG_RENDEZVOUS, "the rendezvous held a call after it had given up"


async def test_one_call_short_of_the_count_is_not_in_flight_at_once(client, upstream):
    """Mutation caught: `assert_in_flight_at_once` accepting a peak of count - 1."""
    upstream.endpoint("https://api.example/item", json=ITEM)
    upstream.hold_until_in_flight(5)
    await client.concurrently(4, "/awaits/")  # 4 together: the rendezvous gives up
    await client.get("/awaits/")  # the fifth call, alone
    assert (upstream.calls, upstream.peak_in_flight) == (5, 4)
    with failure("only 4 of 5 upstream calls were in flight at once — sequential"):
        upstream.assert_in_flight_at_once(5, reason="sequential")


# No real network


@pytest.mark.parametrize("method", ["connect", "connect_ex"])
def test_a_connection_to_a_non_local_ip_is_refused_before_the_real_connect(monkeypatch, method):
    """Mutation caught: the `connect()` (or `connect_ex()`) half of the network guard removed.

    An IP literal needs no DNS look-up, so only the socket guard can stop it.
    The guard is installed over a fake "real" connect that records and
    raises: even with the guard broken, this test sends nothing anywhere.
    """
    reached = []

    def real_connect(sock: socket.socket, address: tuple) -> None:
        reached.append(address)
        raise OSError(f"the network guard let a connection to {address[0]} through")

    monkeypatch.setattr(socket.socket, "connect", real_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", real_connect)
    block_real_network(monkeypatch)

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        connect = getattr(sock, method)
        refused = re.escape("tried to reach 192.0.2.1 over the real network")
        with pytest.raises(RealNetworkError, match=refused):
            connect(("192.0.2.1", 443))  # TEST-NET-1: never routed
        with pytest.raises(OSError, match=re.escape("let a connection to 127.0.0.1 through")):
            connect(("127.0.0.1", 9))  # local: on to the real connect
    assert reached == [("127.0.0.1", 9)]


# Blocking detection


async def test_the_tests_own_blocking_calls_are_not_blamed_on_the_learner(upstream):
    """Mutation caught: `BlockingGuard` no longer excluding the `test_` files of the folder.

    An exercise's tests sit in its folder, next to the learner's files, as
    this file sits beside the harness views. Both
    kinds of watched call are tried: blockbuster's own (`time.sleep`) and the
    sync HTTP clients the guard adds to its table.
    """
    from tests.harness import views

    upstream.endpoint("https://api.example/item", json=ITEM)
    code = LearnerCode(HARNESS, frozenset({VIEWS_FILE}))
    with BlockingGuard(code) as guard:
        time.sleep(0)  # the test's own blocking calls: not the learner's
        with httpx.Client() as sync_client:
            sync_client.get("https://api.example/item")
        with pytest.raises(BlockingError):  # the guard is on: the learner's is caught
            await views.sleeps_blocking(None)
    assert [call.location for call in guard.take()] == [
        Location(VIEWS_FILE, line_of("time.sleep(0.01)"), "sleeps_blocking")
    ]


# Missing await


async def work_of_the_test() -> None:
    """A coroutine function the test itself calls, not the learner."""


async def test_a_coroutine_the_test_never_awaits_is_not_the_learners_mistake(client, upstream):
    """Mutation caught: `UnawaitedProbe._record` reporting coroutines not created by the learner.

    Those go to Python's usual warning instead.
    """
    upstream.endpoint("https://api.example/item", json=ITEM)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        work_of_the_test()  # created here, never awaited, dropped at once
        response = await client.get("/awaits/")
    assert response.json() == ITEM
    # Python's own warning, followed by where the coroutine was created.
    assert [str(warning.message).splitlines()[0] for warning in caught] == [
        "coroutine 'work_of_the_test' was never awaited"
    ]


# The learner's line


def test_innermost_is_the_last_learner_entry_not_the_first():
    """Mutation caught: `LearnerCode.innermost` returning the first learner entry."""
    code = LearnerCode(HARNESS, frozenset({VIEWS_FILE}))
    entries = [
        ("/site-packages/django/core/handlers/base.py", 197, "_get_response_async"),
        (str(VIEWS_FILE), 10, "view"),
        (str(VIEWS_FILE), 20, "helper"),
        ("/usr/lib/python3/hashlib.py", 30, "sha256"),
    ]
    assert code.innermost(entries) == Location(VIEWS_FILE, 20, "helper")
    assert code.innermost(entries[:1] + entries[3:]) is None


async def test_a_view_that_calls_a_helper_is_blamed_at_the_helpers_line(client, thread_probe):
    """Mutation caught: `LearnerCode.innermost` returning the first learner frame.

    `hashes_on_loop` calls `digest()`, which does the hashing: the message
    names the line in `digest()`, not the view's call to it.
    """
    hashing = thread_probe(hashlib, "sha256")
    await client.get("/hashes_on_loop/")
    helper_line = line_of('hashlib.sha256(b"work")')
    assert helper_line != line_of("digest()})")  # the view's line, which is not blamed
    expected = f"hashlib.sha256() ran on the event loop thread (called from {VIEWS}:{helper_line})"
    with failure(re.escape(expected)):
        hashing.assert_off_event_loop(advice="offload it")
