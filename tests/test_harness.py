"""The harness's probes: each goes red on a wrong view and stays green on a right one.

The views live in `tests/harness/views.py`; the fixtures below make the
harness treat that file as "the learner's code".
"""

import asyncio
import hashlib
import re
from pathlib import Path

import httpx
import pytest

from course.testing.locate import LearnerCode
from course.testing.plugin import import_learner_module

HARNESS = Path(__file__).parent / "harness"
VIEWS = "tests/harness/views.py"
ITEM = {"name": "item"}


@pytest.fixture
def learner_code() -> LearnerCode:
    return LearnerCode(HARNESS, frozenset({HARNESS / "views.py"}))


@pytest.fixture
def exercise_urls() -> str:
    return "tests.harness.urls"


def failure(match: str):
    """Expect the test to fail with a plain-words message matching `match`."""
    return pytest.raises(pytest.fail.Exception, match=match)


def line_of(text: str) -> int:
    """The line of `text` in the harness views, so messages can be checked exactly."""
    lines = (HARNESS / "views.py").read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


# Blocking detection


async def test_blocking_sleep_is_named_with_the_learners_line(client):
    expected = (
        f"time.sleep() at {VIEWS}:{line_of('time.sleep(0.01)')} — use `await asyncio.sleep()`"
    )
    with failure(re.escape(expected)):
        await client.get("/sleeps_blocking/")


async def test_blocking_is_caught_even_when_the_view_swallows_it(client):
    with failure("blocked the event loop with time.sleep"):
        await client.get("/hides_blocking/")


async def test_a_sync_view_that_sleeps_holds_a_worker_thread(client):
    expected = (
        f"the view waited with time.sleep() in a worker thread at {VIEWS}:"
        f"{line_of('time.sleep(0.01)  # holds')}: each waiting request held a whole thread"
    )
    with failure(re.escape(expected)):
        await client.get("/sync_sleeps/")


async def test_sync_http_client_on_the_loop_is_named(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    with failure("blocking httpx.Client; use `httpx.AsyncClient`"):
        await client.get("/sync_client_on_loop/")


async def test_sync_http_client_in_a_worker_thread_holds_the_thread(client, upstream):
    item = upstream.endpoint("https://api.example/item", json=ITEM)
    with failure("waited for the API with a sync HTTP client in a worker thread at "):
        await client.get("/sync_client_in_thread/")
    assert (item.sync_calls, item.async_calls) == (1, 0)


async def test_async_to_sync_in_a_sync_view_holds_the_thread(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    expected = f"a worker thread sat waiting in async_to_sync() for the API call at {VIEWS}:"
    with failure(re.escape(expected)):
        await client.get("/async_to_sync_in_thread/")


async def test_a_loop_of_its_own_in_a_thread_holds_the_thread(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    with failure("waited for the API on an event loop of its own, in a worker thread"):
        await client.get("/asyncio_run_in_thread/")


# The fake upstream's rendezvous


async def test_rendezvous_reports_calls_made_one_after_another(client, upstream):
    for n in range(3):
        upstream.endpoint(f"https://api.example/item/{n}", json={"n": n})
    upstream.hold_until_in_flight(3)
    await client.get("/one_after_another/")
    with failure("only 1 of 3 upstream calls was in flight at once — sequential"):
        upstream.assert_in_flight_at_once(3, reason="sequential")


async def test_rendezvous_passes_calls_made_together(client, upstream):
    for n in range(3):
        upstream.endpoint(f"https://api.example/item/{n}", json={"n": n})
    upstream.hold_until_in_flight(3)
    response = await client.get("/all_at_once/")
    upstream.assert_in_flight_at_once(3, reason="unused")
    assert response.json() == {"items": [{"n": 0}, {"n": 1}, {"n": 2}]}
    assert upstream.endpoints[0].async_calls == 1


async def test_too_few_calls_are_reported_as_such(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    await client.get("/awaits/")
    with failure("received 1 of the 5 calls"):
        upstream.assert_in_flight_at_once(5, reason="unused")


async def test_concurrent_requests_overlap_at_the_upstream(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    upstream.hold_until_in_flight(4)
    responses = await client.concurrently(4, "/awaits/")
    upstream.assert_in_flight_at_once(4, reason="unused")
    assert [r.json() for r in responses] == [ITEM] * 4


async def test_sync_views_get_a_thread_each_like_under_a_server(client, upstream):
    # Django's ASGIHandler gives each request its own thread for sync code:
    # sync views do not queue up, each one holds a thread instead.
    upstream.endpoint("https://api.example/item", json=ITEM)
    upstream.hold_until_in_flight(3)
    with failure("held a whole thread"):
        await client.concurrently(3, "/sync_client_in_thread/")
    assert upstream.peak_in_flight == 3


# Missing await


async def test_missing_await_names_the_function_and_line(client, upstream):
    expected = f"fetch() was called without await at {VIEWS}:{line_of('    fetch()')}"
    with failure(re.escape(expected)):
        await client.get("/forgets_await/")


async def test_awaited_coroutines_are_not_reported(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    response = await client.get("/awaits/")
    assert response.json() == ITEM


# Thread probe


async def test_thread_probe_reports_work_on_the_event_loop(client, thread_probe):
    hashing = thread_probe(hashlib, "sha256")
    await client.get("/hashes_on_loop/")
    with failure(f"hashlib.sha256\\(\\) ran on the event loop thread \\(called from {VIEWS}:"):
        hashing.assert_off_event_loop(advice="offload it")


async def test_thread_probe_accepts_work_in_a_thread(client, thread_probe):
    hashing = thread_probe(hashlib, "sha256")
    await client.get("/hashes_in_thread/")
    hashing.assert_off_event_loop(advice="unused")


async def test_thread_probe_reports_work_never_done(client, thread_probe):
    hashing = thread_probe(hashlib, "md5")
    await client.get("/hashes_in_thread/")
    with failure("hashlib.md5\\(\\) was never called"):
        hashing.assert_off_event_loop(advice="unused")


# Fake loop time


async def test_loop_time_is_fake_so_long_sleeps_cost_nothing(client):
    # Without fake time this test would sleep 30 s and hit the 20 s timeout.
    loop = asyncio.get_running_loop()
    started = loop.time()
    await client.get("/sleeps_async/")
    assert loop.time() - started == pytest.approx(30, abs=1)


# No real network


async def test_unmocked_urls_fail_at_once_with_a_message(client, upstream):
    with failure("called an URL the test does not serve"):
        await client.get("/calls_unmocked/")


async def test_real_network_is_refused_at_once(client):
    with failure("tried to reach real-host.example over the real network"):
        await client.get("/calls_real_network/")


# Exercise code that does not import


def learner_package(tmp_path, monkeypatch, name: str, source: str) -> str:
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "urls.py").write_text(source)
    monkeypatch.syspath_prepend(tmp_path)
    return f"{name}.urls"


def test_a_syntax_error_is_reported_with_its_line(tmp_path, monkeypatch):
    module = learner_package(tmp_path, monkeypatch, "badsyntax", "urlpatterns = []\ndef view(:\n")
    with failure("badsyntax/urls.py:2 has a syntax error"):
        import_learner_module(module)


def test_a_failing_import_is_reported_plainly(tmp_path, monkeypatch):
    module = learner_package(tmp_path, monkeypatch, "badimport", "from .views import nothing\n")
    with failure("the exercise's code could not be imported: ModuleNotFoundError"):
        import_learner_module(module)


# Task leaks


async def test_tasks_left_running_are_named(client, upstream, tasks):
    upstream.endpoint("https://api.example/item", json=ITEM, latency=5)
    await client.get("/starts_and_forgets/")
    with failure(r"1 task\(s\) it started were still running \(fetch\(\)\)"):
        await tasks.assert_none_left()


async def test_the_fake_upstream_records_a_cancelled_call(client, upstream, tasks):
    item = upstream.endpoint("https://api.example/item", json=ITEM, latency=5)
    await client.get("/starts_then_cancels/")
    await tasks.assert_none_left()
    assert (item.calls, item.cancelled, item.in_flight) == (1, 1, 0)


async def test_a_call_left_running_is_not_counted_as_cancelled(client, upstream):
    item = upstream.endpoint("https://api.example/item", json=ITEM, latency=5)
    await client.get("/starts_and_forgets/")
    assert (item.calls, item.cancelled) == (1, 0)


async def test_no_tasks_left_after_a_view_that_waits_for_its_work(client, upstream, tasks):
    upstream.endpoint("https://api.example/item", json=ITEM)
    await client.get("/awaits/")
    await tasks.assert_none_left()


# Fake upstream behaviours


async def test_status_sequences_connection_errors_and_prefix_routes(client, upstream):
    flaky = upstream.endpoint("https://api.example/item/0", status=[503, 200], json={"n": 0})
    upstream.endpoint("https://api.example/item/1", error=httpx.ConnectError)
    upstream.endpoint("https://api.example/item/", prefix=True, json=lambda r: {"path": r.url.path})

    statuses = [(await client.get("/status_of/0/")).json()["status"] for _ in range(2)]
    unreachable = (await client.get("/status_of/1/")).json()
    echoed = (await client.get("/status_of/7/")).json()

    assert statuses == [503, 200]
    assert len(flaky.call_times) == 2 and flaky.call_times[0] <= flaky.call_times[1]
    assert unreachable == {"error": "ConnectError"}
    assert echoed == {"status": 200, "json": {"path": "/item/7"}}


async def test_the_client_read_timeout_is_honoured(client, upstream):
    upstream.endpoint("https://api.example/item/2", latency=None)
    response = await client.get("/status_of/2/", within=60)
    assert response.json() == {"error": "ReadTimeout"}


def test_a_cyclic_exception_chain_does_not_hang_the_network_check():
    from course.testing.network import find_refusal

    first, second = ValueError("first"), ValueError("second")
    first.__context__, second.__context__ = second, first
    assert find_refusal(first) is None
