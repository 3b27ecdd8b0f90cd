"""The harness's probes: each goes red on a wrong view and stays green on a right one.

The views live in `tests/harness/views.py`; this folder's conftest makes the
harness treat that file as "the learner's code".
"""

import asyncio
import gc
import hashlib
import re
import sys

import httpx
import pytest

from course.testing.plugin import import_learner_module
from tests.harness.conftest import VIEWS, failure, line_of

ITEM = {"name": "item"}


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
    with failure(r"httpx.Client`\) blocks; use `httpx.AsyncClient`"):
        await client.get("/sync_client_on_loop/")


async def test_sync_http_client_in_a_worker_thread_holds_the_thread(client, upstream):
    item = upstream.endpoint("https://api.example/item", json=ITEM)
    with failure("waited for the API with a sync HTTP client in a worker thread at "):
        await client.get("/sync_client_in_thread/")
    assert (item.sync_calls, item.async_calls) == (1, 0)


async def test_async_to_sync_in_a_sync_view_holds_the_thread(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    expected = "a worker thread sat waiting for the API call made for it on the loop"
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


async def test_coroutines_awaited_in_turn_at_one_line_are_explained(client, upstream):
    upstream.endpoint("https://api.example/item/", prefix=True, json=ITEM)
    upstream.hold_until_in_flight(3)
    await client.get("/one_after_another/")
    line = line_of('[await fetch(f"/item/{n}") for n in range(3)]')
    expected = f"Every call was awaited at {VIEWS}:{line}, one at a time: a coroutine does not"
    with failure(re.escape(expected)):
        upstream.assert_in_flight_at_once(3, reason="sequential")


async def test_requests_served_one_at_a_time_are_not_called_coroutines_in_turn(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    upstream.hold_until_in_flight(2)
    await client.concurrently(2, "/serialised/")
    line = line_of("return JsonResponse(await fetch())  # serialised")
    with failure(re.escape(f"(the calls at {VIEWS}:{line})")) as failed:
        upstream.assert_in_flight_at_once(2, reason="one at a time")
    assert "Every call was awaited" not in str(failed.value)


async def test_latency_may_depend_on_the_request_and_spans_are_exact(client, upstream):
    item = upstream.endpoint(
        "https://api.example/item/",
        prefix=True,
        json=ITEM,
        latency=lambda request: 0.1 * (1 + int(request.url.path[-1])),
    )
    await client.get("/all_at_once/")
    lengths = sorted(round(end - start, 6) for start, end in item.spans)
    assert lengths == [0.1, 0.2, 0.3]
    assert len({start for start, _ in item.spans}) == 1  # started together, on the fake clock


async def test_cache_page_on_an_async_view_is_caught_at_the_decorator(client):
    expected = f"at {VIEWS}:{line_of('@cache_page(60)')} — `@cache_page` (Django's cache"
    with failure(re.escape(expected)):
        await client.get("/cached_page/")


async def test_a_pool_shut_down_on_the_loop_is_caught_however_fast_its_threads_end(client):
    # By name, not by the wait on its threads' locks: they may have ended already.
    line = line_of("with ThreadPoolExecutor() as pool:")
    expected = f"ThreadPoolExecutor.shutdown() at {VIEWS}:{line} — leaving a `with"
    for _ in range(3):
        with failure(re.escape(expected)):
            await client.get("/pool_in_a_with_block/")


async def test_a_pool_shut_down_without_waiting_is_not_blocking(client):
    response = await client.get("/pool_left_to_end/")
    assert response.status_code == 200


async def test_a_body_that_is_not_json_fails_saying_what_it_is(client):
    response = await client.get("/answers_html/")
    with failure(r"the view answered 404 with text/html; charset=utf-8, not JSON"):
        response.json()


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


# What servers do all the time is not a mistake


async def test_logging_and_print_do_not_count_as_blocking(client):
    response = await client.get("/logs_and_prints/")
    assert response.status_code == 200


async def test_a_blocking_function_imported_by_name_is_still_caught(client):
    expected = f"time.sleep() at {VIEWS}:{line_of('    pause(0.01)')}"
    with failure(re.escape(expected)):
        await client.get("/sleeps_imported_by_name/")


# Other HTTP clients reach the same fake upstream


async def test_requests_on_the_loop_is_named_as_a_blocking_client(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    expected = f"requests.Session.request() at {VIEWS}:{line_of('requests.get(f')}"
    with failure(re.escape(expected) + ".*requests is a blocking client"):
        await client.get("/requests_on_loop/")


async def test_requests_in_a_worker_thread_holds_the_thread(client, upstream):
    item = upstream.endpoint("https://api.example/item", json=ITEM)
    with failure("waited for the API with a sync HTTP client in a worker thread"):
        await client.get("/requests_in_thread/")
    assert item.sync_calls == 1


async def test_aiohttp_is_answered_like_httpx(client, upstream):
    item = upstream.endpoint("https://api.example/item", json=ITEM)
    response = await client.get("/aiohttp_get/")
    assert response.json() == ITEM
    assert (item.async_calls, item.sync_calls) == (1, 0)


async def test_aiohttp_total_timeout_is_honoured(client, upstream):
    upstream.endpoint("https://api.example/item", latency=None)
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await client.get("/aiohttp_get/", within=60)
    assert response.json() == {"error": "ServerTimeoutError"}
    assert loop.time() - started == pytest.approx(2, abs=0.1)


async def test_httpx_pool_limits_are_honoured(client, upstream):
    item = upstream.endpoint("https://api.example/item", json=ITEM)
    response = await client.get("/limited_pool/")
    assert response.json() == {"items": 6}
    assert (item.calls, item.peak_in_flight) == (6, 2)


# Raw errors in the lesson's words, at the learner's line


@pytest.mark.parametrize(
    ("view", "line", "reason"),
    [
        ("runs_a_loop_of_its_own", "asyncio.run(fetch())", "the view called asyncio.run()"),
        (
            "uses_an_unawaited_response",
            '        response = client.get(f"{API}/item")',
            "the view called AsyncClient.get() without `await`",
        ),
        (
            "unpacks_an_unawaited_gather",
            "asyncio.gather(fetch(), fetch())",
            "the view used a future (from asyncio.gather or a task) without `await`",
        ),
        (
            "hands_a_result_to_a_thread",
            "to_thread(digest())",
            "the view called the function itself and handed its result to the worker thread",
        ),
        ("exits", "sys.exit(3)", "the view called sys.exit(3)"),
        (
            "waits_from_two_loops",
            "asyncio.to_thread(asyncio.run, READY.wait())",
            "an asyncio object was used from two event loops",
        ),
    ],
)
async def test_raw_errors_are_explained_at_the_learners_line(client, upstream, view, line, reason):
    upstream.endpoint("https://api.example/item", json=ITEM)
    with failure(re.escape(reason) + f".* at {VIEWS}:{line_of(line)}"):
        await client.get(f"/{view}/")


async def test_an_error_the_lesson_has_no_words_for_gets_the_tests_advice(client):
    expected = (
        "keep the page up (the view raised ValueError: the first line at "
        f"{VIEWS}:{line_of('the first line')})"
    )
    with failure(re.escape(expected)):
        await client.get("/raises/", if_it_raises="keep the page up")


async def test_without_advice_an_unexplained_error_keeps_its_traceback(client):
    with pytest.raises(ValueError, match="the first line"):
        await client.get("/raises/")


# A visitor who leaves


async def test_a_stream_that_ends_after_its_visitor_left_is_reported_as_a_stream(client):
    with failure(
        "the visitor left after 1.5 s, but the stream ended as if done anyway — it caught"
    ):
        await client.leave_after(1.5, "/stream_swallows_cancellation/")


async def test_a_view_that_answers_after_its_visitor_left_is_reported(client, upstream):
    upstream.endpoint("https://api.example/item", latency=None)
    with failure("the visitor left after 1 s, but the view answered anyway"):
        await client.leave_after(1, "/answers_when_cancelled/")


@pytest.mark.parametrize(
    "view", ["ignores_cancellation", "streams_through_cancellation", "streams_through_everything"]
)
async def test_a_view_that_goes_on_after_its_visitor_left_is_reported(client, view):
    with failure("the visitor left after 1 s, but the view went on"):
        await client.leave_after(1, f"/{view}/")
    gc.collect()  # what was stopped is finalized now, in this test, and quietly


async def test_a_stream_stopped_after_it_caught_its_cancellation_runs_its_finally(client):
    with failure("the view went on"):
        await client.leave_after(1, "/streams_through_cancellation/")
    views = sys.modules["tests.harness.views"]  # imported afresh for this test
    assert views.STREAM_CLEANED_UP == ["streams_through_cancellation"]


async def test_a_view_that_lets_the_cancellation_through_stops_quietly(client, upstream, tasks):
    item = upstream.endpoint("https://api.example/item", latency=None)
    assert await client.leave_after(1, "/awaits/") is None
    assert item.cancelled == 1
    await tasks.assert_none_left()


# Each test starts like a new server process


def test_the_learners_modules_are_imported_afresh():
    from course.testing.plugin import forget_learner_modules, import_learner_module

    import_learner_module("tests.harness.urls")
    from tests.harness import views as before

    forget_learner_modules("tests.harness")
    import_learner_module("tests.harness.urls")
    from tests.harness import views as after

    assert after is not before
    assert sys.modules["tests.harness.urls"].views is after  # `from . import views`, fresh too


# Chance


async def test_random_draws_its_highest_value_when_asked(client, highest_random):
    response = await client.get("/draws/")
    assert response.json() == {"random": 1 - 2**-53, "uniform": 10, "randint": 6, "instance": 3}


# Work in another process


async def test_work_handed_to_a_process_pool_is_off_the_loop(client, thread_probe):
    expected = hashlib.sha256(b"work").hexdigest()
    hashing = thread_probe(hashlib, "sha256")
    response = await client.get("/hashes_in_a_process/")
    assert response.json() == {"digest": expected}
    hashing.assert_off_event_loop(advice="unused")
