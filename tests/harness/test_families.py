"""The harness's twins, each tested: where a probe has a sync and an async side, two kinds of
timeout, several ways to hand work to a thread, one endpoint or several, every member of the
family is tried, not only the first one written (issue 16: a mutation of the untested twin
survived each time).

As in `test_probes.py`, this folder's conftest makes the harness treat
`tests/harness/views.py` as "the learner's code". The mutation each test
catches is named in `benchmarks/mutations.toml`.
"""

import hashlib
import random
import re

import pytest

from tests.harness.conftest import VIEWS, failure, line_of

ITEM = {"name": "item"}
THREAD_WAIT = "waited for the API with a sync HTTP client in a worker thread"


# The rendezvous gives up once, for every later call: async and sync calls alike


@pytest.mark.parametrize(
    ("view", "fails_with"),
    [("/one_after_another/", None), ("/sync_one_after_another/", THREAD_WAIT)],
    ids=["async", "sync"],
)
async def test_the_rendezvous_gives_up_once_for_every_later_call(
    client, upstream, view, fails_with
):
    items = [upstream.endpoint(f"https://api.example/item/{n}", json={"n": n}) for n in range(3)]
    upstream.hold_until_in_flight(3)

    if fails_with:
        with failure(fails_with):
            await client.get(view)
    else:
        await client.get(view)

    assert [item.calls for item in items] == [1, 1, 1]
    assert upstream.gave_up == 1, f"{upstream.gave_up} of 3 calls waited the rendezvous out"


# Peaks: the whole upstream's, and each endpoint's own


async def test_each_endpoint_counts_only_its_own_calls_in_flight(client, upstream):
    item = upstream.endpoint("https://api.example/item", json=ITEM)
    other = upstream.endpoint("https://api.example/other", json=ITEM)
    upstream.hold_until_in_flight(3)

    await client.get("/gathers_two_endpoints/")

    assert (upstream.peak_in_flight, item.peak_in_flight, other.peak_in_flight) == (3, 2, 1)
    assert (item.in_flight, other.in_flight, upstream.in_flight) == (0, 0, 0)


# aiohttp's timeouts: the session's, and the one given to a request


@pytest.mark.parametrize("view", ["/aiohttp_get/", "/aiohttp_per_request_timeout/"])
async def test_aiohttp_timeouts_are_honoured_where_they_are_given(client, upstream, view):
    upstream.endpoint("https://api.example/item", latency=None)

    response = await client.get(view, within=60)

    assert response.json() == {"error": "ServerTimeoutError"}


# A function's result handed where the function belongs: each way to a worker thread


@pytest.mark.parametrize(
    ("view", "line"),
    [
        ("hands_a_result_to_a_thread", "to_thread(digest())"),
        ("hands_a_result_to_sync_to_async", "sync_to_async(digest())"),
        ("hands_a_result_to_an_executor", "run_in_executor(None, digest())"),
    ],
    ids=["to_thread", "sync_to_async", "run_in_executor"],
)
async def test_a_result_handed_to_a_worker_is_explained_for_every_way_of_handing(
    client, view, line
):
    reason = "the view called the function itself and handed its result to the worker thread"
    with failure(re.escape(reason) + f".* at {VIEWS}:{line_of(line)}"):
        await client.get(f"/{view}/")


# The thread probe judges every call, not the first


async def test_work_in_a_thread_then_on_the_loop_is_reported_at_the_second(client, thread_probe):
    probe = thread_probe(hashlib, "sha256")
    await client.get("/hashes_in_a_thread_then_on_the_loop/")

    with failure(re.escape("hashlib.sha256() ran on the event loop thread")):
        probe.assert_off_event_loop("unused")


# The missing-await probe collects garbage before it looks


async def test_a_coroutine_never_awaited_in_a_reference_cycle_is_reported(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)
    with failure(re.escape(f"fetch() was called without await at {VIEWS}:")):
        await client.get("/forgets_await_in_a_cycle/")


# Blocking detection watches Django's cursor itself, whatever the database driver


async def test_a_query_on_the_loop_is_caught_at_djangos_cursor(client):
    # blockbuster watches sqlite3's own calls, but no PostgreSQL driver's: a query on the
    # loop must be caught at Django's cursor, before the driver, on any database.
    expected = f"a database query at {VIEWS}:{line_of('cursor.execute(')}"

    with failure(re.escape(expected)):
        await client.get("/queries_on_the_loop/")


async def test_a_cache_miss_on_the_loop_is_caught_though_it_opens_no_file(client):
    # The file cache's sync API is watched by name: a miss reads nothing, so blockbuster's
    # own file hooks never fire (`@cache_page` is caught through them too, and hides this).
    expected = f"cache.get() at {VIEWS}:{line_of('cache.get(')}"

    with failure(re.escape(expected)):
        await client.get("/misses_the_cache_on_the_loop/")


async def test_print_and_logging_may_write_on_the_loop_but_not_to_a_file(client):
    # Writes to stdout and stderr are allowed (servers log on the loop all the time); a
    # write to a file is not, however little it writes.
    assert (await client.get("/logs_and_prints/")).status_code == 200
    expected = f"io.TextIOWrapper.write() at {VIEWS}:{line_of('log.write(')}"

    with failure(re.escape(expected)):
        await client.get("/writes_a_file_on_the_loop/")


# The query counter counts each statement a request runs


@pytest.mark.django_db(transaction=True)
async def test_the_queries_of_a_request_are_counted_one_by_one(client, queries):
    response, count = await queries.of(client.get("/queries_in_a_thread/"))

    assert response.json() == {"two": 2}
    assert (count, queries.last) == (2, ["SELECT 1", "SELECT 2"])


# random draws its highest value: every function, and instances of Random


@pytest.mark.parametrize(
    ("draw", "expected"),
    [
        (lambda r: r.random(), 1 - 2**-53),
        (lambda r: r.uniform(0, 10), 10),
        (lambda r: r.uniform(5, 1), 5),  # uniform takes its bounds either way round
        (lambda r: r.randint(1, 6), 6),
        (lambda r: r.randrange(5), 4),
        (lambda r: r.randrange(1, 10), 9),
        (lambda r: r.randrange(0, 10, 4), 8),  # 9 is not in range(0, 10, 4)
        (lambda r: r.randrange(3, 20, 5), 18),
        (lambda r: r.choice("abc"), "c"),
        (lambda r: r.choice([3, 1, 2]), 2),  # the last item, not the largest
    ],
    ids=[
        "random",
        "uniform",
        "uniform-reversed",
        "randint",
        "randrange-stop",
        "randrange-start-stop",
        "randrange-step",
        "randrange-start-step",
        "choice-str",
        "choice-list",
    ],
)
@pytest.mark.parametrize(
    "source", [random, random.Random(7), random.SystemRandom()], ids=["module", "Random", "System"]
)
def test_random_draws_the_highest_value_it_can_return(highest_random, source, draw, expected):
    assert draw(source) == expected
