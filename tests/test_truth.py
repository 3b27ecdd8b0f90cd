"""The truth check: what the READMEs claim holds under ASGI.

The exercise tests call views through Django's ASGI handler, on a fake loop
clock. Here the course runs the way the README's "Try your views by hand"
runs it: `python -m course.fake_api` and `uvicorn course.asgi:application`,
on 127.0.0.1, on real time. Two servers are started, one for the course as
shipped and one with `solutions/` laid over it. Then real requests check that
the shipped view and the solution differ the way each README says. A third,
started only for exercise 15, serves one of the wrong answers its README
warns about. Before its server starts, each copy's database is migrated and
stocked with the same rows (products, makers, a logged-in customer), so the
copies differ only by their views. Where README.md has the learner restart
the fake API misbehaving (`--hang /forecast`), the check does the same on
the fake API's port while uvicorn goes on (`Site.api_misbehaving`).

Load on the machine must not fail these tests. So a claim that requests run
"one after another" is checked with a lower bound (load only makes things
slower), and a claim that they run "side by side" with a generous upper bound,
well below what "one after another" would take.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import django
import pytest
from django.dispatch import Signal

from course.catalog import ROOT
from course.fake_api import ANSWERS, answer_for
from course.shop import LIMIT
from exercises.ex06_dont_async_everything.passwords import hash_password
from exercises.ex13_async_orm import scenario as orm
from exercises.ex14_related_objects import scenario as related
from exercises.ex17_async_auth import scenario as auth
from grader.live import THREAD
from grader.sealed.site import free_port, leave_when, read_until, uvicorn_command
from grader.workspace import copy_course
from tests.conftest import Course
from tests.servers import (
    Call,
    Queue,
    Reply,
    Server,
    Site,
    connections_to,
    course_environment,
    course_site,
    django_command,
    queued_then,
)
from tests.servers import serve as serve_process

pytestmark = pytest.mark.timeout(90)

LATENCY = 1.0  # seconds per API answer: the fake API's default, the READMEs' "one-second API"
FAST = 0.3  # seconds per API answer where a claim needs many rounds of calls, not their length
AT_ONCE = 5  # "five requests sent at once", in every README that counts them
SERIAL = 0.9  # "one after another": at least this share of the sum of the waits
SIDE_BY_SIDE = 3.0  # "side by side": less than this many times one wait (serial: 5)
MAX_REQUESTS = 500  # uvicorn stops by itself after this many (the tests send each at most 300)
TOGETHER = 2.0  # exercise 15's three calls "together": less than this many times one (serial: 3)
ONE_THREAD_EACH = 1.5  # two requests with a thread each: less than this many times one (serial: 2)

FORECAST = ANSWERS["/forecast"]
FIRST_ASYNC_VIEW = "/first_async_view/"
BLOCKING_SLEEP = "/blocking_sleep/"
ASYNC_HTTP_CLIENT = "/async_http_client/"
SYNC_VIEW = "/sync_view_holds_a_thread/"
REGISTER = "/dont_async_everything/"
HEALTH = "/health/"  # the course's health check: a plain def, run in a worker thread
PARCELS = ["A1", "B2", "C3"]  # exercise 15's own example: /legacy_sdk/?ids=A1,B2,C3
TRACKING = f"/legacy_sdk/?ids={','.join(PARCELS)}"
ANOTHER_PARCEL = "/legacy_sdk/?ids=Z9"
DASHBOARD = "/gather_fanout/"
PRICE_LIST = "/bounded_concurrency/"
PRODUCTS = range(1, 51)  # exercise 10's PRODUCTS: a call to the price API each
# The views that call the API, and how many calls one request makes: the fake API reports each.
API_PATHS = {
    FIRST_ASYNC_VIEW: 1,
    ASYNC_HTTP_CLIENT: 1,
    SYNC_VIEW: 1,
    TRACKING: len(PARCELS),
    ANOTHER_PARCEL: 1,
    DASHBOARD: 3,
    PRICE_LIST: len(PRODUCTS),
    "/async_signals/": 2,
    "/live_server/": 3,
}

# The fake API restarted by hand (README.md, "Try your views by hand"), as its options read.
HUNG = ("--hang", "/forecast")
SLOW_MIRROR = ("--slow", "/a/forecast=5")
FAILING_MIRROR = ("--slow", "/a/forecast=2", "--fail", "/b/forecast=500")
TIMED_OUT = "/upstream_timeout/"
CLIENT_TIMEOUT = 10.0  # seconds: course/weather.py's `httpx.AsyncClient(timeout=10)`
MIRRORS = "/first_wins/"

HASHES = 30  # registrations sent at once in the ex06 checks
STILL_HASHING = 5  # solved: at least this many of them are answered after the page
TRIES = 3  # rounds of registrations, until one shows the health check sent while they queued
PASSWORD = "correct horse battery staple"
DIGEST = {"digest": hash_password(PASSWORD)}

# The shelf of exercise 13, as its own tests stock it: id: (name, price, stock).
CATALOGUE = "/async_orm/"
TEAPOT = f"{CATALOGUE}1/"
NO_SUCH_PRODUCT = f"{CATALOGUE}{max(orm.SHELF) + 1}/"

# Exercise 14's makers and their products, as its own tests stock them.
RELATED_CATALOGUE = "/related_objects/"
RELATED_MAKERS = "/related_objects/makers/"

# Exercise 16's shelf, id: (name, stock): a product per line of the two orders below.
ORDER_SHELF = {
    1: ("Kettle", 10), 2: ("Teapot", 10), 3: ("Toaster", 10),
    4: ("Grill", 10), 5: ("Wok", 10), 6: ("Ladle", 2),
}  # fmt: skip
STOCK_THE_ORDER_SHELF = (
    "from exercises.ex16_atomic_writes.models import Product\n"
    f"for pk, (name, stock) in {ORDER_SHELF!r}.items():\n"
    "    Product.objects.create(pk=pk, name=name, stock=stock)\n"
)
PLACE_ORDER = "/atomic_writes/"
ATOMIC_WRITES_VIEWS = "exercises/ex16_atomic_writes/views.py"
# Two wrong answers of tests/cases/ex16_atomic_writes, what Django raises for each, and what
# exercise 16's README says of it.
ATOMIC_IN_ASYNC = {
    "async_with_atomic.py": (
        "TypeError",
        "`transaction.atomic()` has no async form (`async with transaction.atomic():` is a "
        "`TypeError`)",
    ),
    "atomic_around_awaits.py": (
        "SynchronousOnlyOperation",
        "its sync form is refused in an `async def` view (`with transaction.atomic():` raises "
        "`SynchronousOnlyOperation` as it opens)",
    ),
}
WHOLE_ORDER = {1: 2, 2: 1, 3: 3}  # product id: quantity, each in stock
# Its third line asks for more ladles than there are: the database refuses that line's stock
# update (a PositiveIntegerField's CHECK) there and then, midway. A product id that does not
# exist would not do: Django's SQLite foreign keys are checked at commit, after every line.
HALF_ORDER = {4: 1, 5: 1, 6: ORDER_SHELF[6][1] + 3}
WHAT_IS_WRITTEN = (  # exercise 16's tables, as JSON
    "import json\n"
    "from exercises.ex16_atomic_writes.models import Order, Product\n"
    "orders = [\n"
    "    {'id': order.pk, 'customer': order.customer, 'lines': [\n"
    "        [line.product.name, line.quantity] for line in order.lines.order_by('pk')\n"
    "    ]}\n"
    "    for order in Order.objects.order_by('pk')\n"
    "]\n"
    "stock = dict(Product.objects.values_list('name', 'stock'))\n"
    "print(json.dumps({'orders': orders, 'stock': stock}))\n"
)

# README.md's exercise 16 by hand: the shelf put back, an order whose third line the
# database refuses, and what was written, as `python -m django shell -v 0 -c` runs them.
SHELF_BY_HAND = (
    "from exercises.ex16_atomic_writes.models import Product; "
    "[Product.objects.update_or_create(pk=pk, defaults={'name': name, 'stock': 10}) "
    "for pk, name in [(1, 'Kettle'), (2, 'Teapot'), (3, 'Toaster')]]"
)
ORDER_BY_HAND = (
    '{"customer": "Dan", "lines": [{"product": 1, "quantity": 1}, '
    '{"product": 2, "quantity": 1}, {"product": 3, "quantity": 12}]}'
)
LOOK_BY_HAND = (
    "from exercises.ex16_atomic_writes.models import Order, Product; "
    "print('orders:', [(order.customer, order.lines.count()) for order in Order.objects.all()]); "
    "print('stock:', dict(Product.objects.values_list('name', 'stock')))"
)

# Exercise 17's customer, logged in as a login form would leave her: a session in the
# database that names her, and its key in the `sessionid` cookie of her browser.
# README.md logs her in by hand from Django's shell, which prints the session's key.
SESSION_BY_HAND = (
    "from django.contrib.auth.models import User; from django.test import Client; "
    "client = Client(); client.force_login(User.objects.get_or_create(username='ana')[0]); "
    "print(client.cookies['sessionid'].value)"
)

GREETING = "/async_auth/"

CACHED_FORECAST = "/async_cache/"

# A learner in the middle of an edit of exercise 02 (one no other check here asks solved).
MID_EDIT = "exercises/ex02_missing_await/views.py"
MID_EDIT_PATH = "/missing_await/"

EX01 = "exercises/ex01_first_async_view/README.md"
EX03 = "exercises/ex03_blocking_sleep/README.md"
EX04 = "exercises/ex04_async_http_client/README.md"
EX05 = "exercises/ex05_sync_view_holds_a_thread/README.md"
EX06 = "exercises/ex06_dont_async_everything/README.md"
EX08 = "exercises/ex08_upstream_timeout/README.md"
EX10 = "exercises/ex10_bounded_concurrency/README.md"
EX13 = "exercises/ex13_async_orm/README.md"
EX14 = "exercises/ex14_related_objects/README.md"
EX15 = "exercises/ex15_legacy_sdk/README.md"
EX16 = "exercises/ex16_atomic_writes/README.md"
EX17 = "exercises/ex17_async_auth/README.md"
EX19 = "exercises/ex19_async_middleware/README.md"
EX20 = "exercises/ex20_async_class_view/README.md"
EX21 = "exercises/ex21_streaming_events/README.md"
EX22 = "exercises/ex22_stream_disconnect/README.md"
EX23 = "exercises/ex23_async_signals/README.md"
EX24 = "exercises/ex24_live_server/README.md"
EX18 = "exercises/ex18_async_cache/README.md"
LEGACY_SDK_VIEWS = "exercises/ex15_legacy_sdk/views.py"
THREAD_SENSITIVE = "tests/cases/ex15_legacy_sdk/thread_sensitive_default.py"
BOUNDED_VIEWS = "exercises/ex10_bounded_concurrency/views.py"
MODULE_SEMAPHORE = "tests/cases/ex10_bounded_concurrency/module_semaphore.py"
BY_HAND = 'README.md ("Try your views by hand")'


def claim(readme: str, sentence: str) -> str:
    return f"{readme} claims “{sentence}”"


def each(replies: list[Reply]) -> str:
    """How long each request took, in the order they came back."""
    return ", ".join(f"{reply.seconds:.2f}" for reply in sorted(replies, key=lambda r: r.ended))


def stock(course: Course) -> None:
    """Migrate the copy's database and stock it, as a learner would: exercise 13's shelf,
    exercise 14's makers, exercise 16's shelf and exercise 17's logged-in customer.

    The shipped copy gets them too: its 500s must come from the refused sync
    queries, not from a missing table or an empty one (an empty catalogue
    runs no lazy query). One shell for all: each one costs a Django start.
    """
    rows = orm.ROWS + related.ROWS + STOCK_THE_ORDER_SHELF + auth.ROWS
    django_command(course.path, "migrate", "--verbosity", "0")
    django_command(course.path, "shell", "--verbosity", "0", "--command", rows)


def serve(course: Course) -> Iterator[Site]:
    stock(course)
    with course_site(course.path, LATENCY, MAX_REQUESTS, API_PATHS) as site:
        warm = site.request("GET", HEALTH)  # imports every exercise before anything is timed
        assert warm.status == 200, f"the health check answered {warm}:\n{site.server.output()}"
        yield site


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """uvicorn serving the course as shipped."""
    yield from serve(Course(copy_course(ROOT, tmp_path_factory.mktemp("shipped") / "course")))


@pytest.fixture
def shipped_alone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """uvicorn serving the course as shipped, for one test whose view leaves work running
    behind it (exercise 22's poller goes on for as long as its server runs): stopped after
    that test, so that no later test on `shipped` counts the calls it goes on making."""
    yield from serve(Course(copy_course(ROOT, tmp_path_factory.mktemp("alone") / "course")))


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """uvicorn serving the course with `solutions/` laid over it, and exercise 02 mid-edit."""
    course = Course(copy_course(ROOT, tmp_path_factory.mktemp("solved") / "course")).solve()
    course.write(MID_EDIT, "async def forecast(request:\n")  # a syntax error
    yield from serve(course)


@pytest.fixture(scope="module")
def other_answers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """uvicorn serving the course as shipped, but for six files of `tests/cases` that READMEs
    speak of: exercise 10's semaphore made at module level, exercise 15's SDK called
    through `sync_to_async` with its default `thread_sensitive=True`, exercise 19's async
    middleware class that does not mark itself, exercise 21's events from a sync generator,
    exercise 23's async receivers told with `send()`, and exercise 24's sync calls in
    `asyncio.to_thread`.

    A copy of its own, because the two other servers' views must stay as they are.
    """
    course = Course(copy_course(ROOT, tmp_path_factory.mktemp("other_answers") / "course"))
    course.write(BOUNDED_VIEWS, (ROOT / MODULE_SEMAPHORE).read_text(encoding="utf-8"))
    course.write(LEGACY_SDK_VIEWS, (ROOT / THREAD_SENSITIVE).read_text(encoding="utf-8"))
    course.write(LIVE_DASHBOARD_VIEWS, (ROOT / SYNC_GENERATOR).read_text(encoding="utf-8"))
    course.write(TIMING_FILE, (ROOT / UNMARKED_CLASS).read_text(encoding="utf-8"))
    course.write(SIGNAL_VIEWS, (ROOT / SEND_TO_ASYNC).read_text(encoding="utf-8"))
    course.write(LIVE_SERVER_VIEWS, (ROOT / CALLS_IN_THREADS).read_text(encoding="utf-8"))
    yield from serve(course)


@pytest.fixture(scope="module", params=sorted(ATOMIC_IN_ASYNC))
def atomic_in_async(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Site]]:
    """uvicorn serving the course as shipped, but for exercise 16's view: a wrong answer of its
    tests that opens `transaction.atomic()` in the async view (the case's file name, the site).

    Its database is neither migrated nor stocked: `atomic()` fails as it opens, before any
    query."""
    case = request.param
    course = Course(copy_course(ROOT, tmp_path_factory.mktemp("atomic_in_async") / "course"))
    source = ROOT / "tests" / "cases" / "ex16_atomic_writes" / case
    course.write(ATOMIC_WRITES_VIEWS, source.read_text(encoding="utf-8"))
    with course_site(course.path, LATENCY, MAX_REQUESTS, {}) as site:
        yield case, site


@pytest.fixture
def site(request: pytest.FixtureRequest) -> Site:
    """The server named by the test's parameter: `shipped` or `solved`."""
    return request.getfixturevalue(request.param)


BOTH = pytest.mark.parametrize("site", ["shipped", "solved"], indirect=True)


def decoded(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return None


def assert_answered(site: Site, replies: list[Reply], body: object, readme: str) -> None:
    """Every reply is a 200 with `body`: a quick error must never pass for concurrency."""
    for reply in replies:
        assert reply.status == 200 and decoded(reply.body) == body, (
            f"{readme}: a request got {reply.status} {reply.error or reply.body[:300]!r} "
            f"instead of {body}; the server printed:\n{site.server.output()[-3000:]}"
        )


def tracked(*parcels: str) -> dict:
    """What exercise 15's view answers for these parcels: the carrier's statuses, in order."""
    return {"parcels": [answer_for(f"/track/{parcel}") for parcel in parcels]}


def refused_as_sync_only(reply: Reply) -> bool:
    """Django's debug page for a sync query it refused in an async view."""
    return reply.status == 500 and b"SynchronousOnlyOperation" in reply.body


def preparation_time(site: Site) -> float:
    """PREPARATION_TIME as the served copy of exercise 03 defines it."""
    views = (site.tree / "exercises/ex03_blocking_sleep/views.py").read_text(encoding="utf-8")
    found = re.search(r"^PREPARATION_TIME = ([\d.]+)", views, re.MULTILINE)
    assert found, "exercises/ex03_blocking_sleep/views.py no longer sets PREPARATION_TIME"
    return float(found.group(1))


# ex01 · Your first async view


@BOTH
def test_the_first_async_view_serves_five_requests_side_by_side(site: Site) -> None:
    total, replies = site.at_once(AT_ONCE, "GET", FIRST_ASYNC_VIEW)

    assert_answered(site, replies, FORECAST, EX01)
    assert total < SIDE_BY_SIDE * LATENCY, (
        f"{claim(EX01, 'requests do not even queue: five of them wait side by side')}, but "
        f"five requests at once to {FIRST_ASYNC_VIEW} took {total:.2f} s together (API "
        f"latency {LATENCY:g} s, limit {SIDE_BY_SIDE * LATENCY:g} s; each: {each(replies)})"
    )


# ex03 · A sleep that stops the world


def test_a_blocking_sleep_serves_orders_one_after_another(shipped: Site) -> None:
    pause = preparation_time(shipped)

    total, replies = shipped.at_once(AT_ONCE, "GET", BLOCKING_SLEEP)

    assert_answered(shipped, replies, {"order": "ready"}, EX03)
    floor = SERIAL * AT_ONCE * pause
    assert total >= floor, (
        f"{claim(EX03, 'five orders sent at once take five preparation times, one after another')}"
        f", but as shipped they took {total:.2f} s together (PREPARATION_TIME {pause:g} s, "
        f"at least {floor:.2f} s expected; each: {each(replies)})"
    )


def test_an_awaited_sleep_serves_orders_side_by_side(solved: Site) -> None:
    pause = preparation_time(solved)

    total, replies = solved.at_once(AT_ONCE, "GET", BLOCKING_SLEEP)

    assert_answered(solved, replies, {"order": "ready"}, EX03)
    assert total < SIDE_BY_SIDE * pause, (
        f"{claim(EX03, 'five orders sent at once are ready after about one preparation time')}"
        f", but solved they took {total:.2f} s together (PREPARATION_TIME {pause:g} s, limit "
        f"{SIDE_BY_SIDE * pause:g} s; each: {each(replies)})"
    )


# ex04 · An async HTTP client; README "Try your views by hand": one second or five


def test_a_sync_client_in_an_async_view_serves_requests_one_after_another(shipped: Site) -> None:
    total, replies = shipped.at_once(AT_ONCE, "GET", ASYNC_HTTP_CLIENT)

    assert_answered(shipped, replies, FORECAST, EX04)
    floor = SERIAL * AT_ONCE * LATENCY
    assert total >= floor, (
        f"{claim(EX04, 'five requests to a one-second API take five seconds, one after another')}"
        f" (and so does {BY_HAND}), but as shipped they took {total:.2f} s together (API "
        f"latency {LATENCY:g} s, at least {floor:.2f} s expected; each: {each(replies)})"
    )


def test_an_async_client_serves_requests_side_by_side(solved: Site) -> None:
    total, replies = solved.at_once(AT_ONCE, "GET", ASYNC_HTTP_CLIENT)

    assert_answered(solved, replies, FORECAST, EX04)
    sentence = "five requests sent at once all have their API call in flight at the same time"
    assert total < SIDE_BY_SIDE * LATENCY, (
        f"{claim(EX04, sentence)} (and {BY_HAND}: one second, not five), but solved they took "
        f"{total:.2f} s together (API latency {LATENCY:g} s, limit "
        f"{SIDE_BY_SIDE * LATENCY:g} s; each: {each(replies)})"
    )


# ex05 · A sync view holds a thread; README "Try your views by hand": the abandoned call


@BOTH
def test_a_sync_view_and_its_async_fix_both_serve_requests_side_by_side(site: Site) -> None:
    total, replies = site.at_once(AT_ONCE, "GET", SYNC_VIEW)

    assert_answered(site, replies, FORECAST, EX05)
    assert total < SIDE_BY_SIDE * LATENCY, (
        f"{claim(EX05, 'requests do not queue up: five of them wait for the API side by side')}"
        f", but five requests at once to {SYNC_VIEW} took {total:.2f} s together (API latency "
        f"{LATENCY:g} s, limit {SIDE_BY_SIDE * LATENCY:g} s; each: {each(replies)})"
    )


def the_call_of_a_visitor_who_leaves(site: Site, tries: int = 3) -> tuple[float, Call]:
    """Ask the view and leave once it is connected to the API, as a visitor who gives up
    while it waits (`curl --max-time`): (seconds until the visitor left, the call the fake
    API then reports).

    Leaving at a set time would race the server's start on a loaded machine.
    A visitor may still leave between the view's connecting and its asking, and
    the view be cancelled before it asks (nothing to report): then try again.
    """
    port = site.api.server.port
    for _ in range(tries):
        before = len(site.settle())  # the calls of earlier requests are all reported
        connected = connections_to(port)
        started = time.perf_counter()

        reply = leave_when(
            site.url,
            SYNC_VIEW,
            lambda connected=connected: connections_to(port) > connected,
            "no connection to the API",
            30,
        )

        left = time.perf_counter() - started
        assert reply is None, f"the visitor could not leave while the view waited: {reply}"
        calls = site.api.wait_for_calls(before + 1, timeout=LATENCY + 5)
        if len(calls) > before:
            assert len(calls) == before + 1, (
                f"the fake API reported {len(calls) - before} calls for one visitor who left:\n"
                f"{site.api.server.output()}"
            )
            return left, calls[-1]
    pytest.fail(
        f"in {tries} tries, the view never asked the API before the visitor left; the fake "
        f"API printed:\n{site.api.server.output()}"
    )


def test_a_sync_view_finishes_its_api_call_after_the_visitor_left(shipped: Site) -> None:
    left, call = the_call_of_a_visitor_who_leaves(shipped)

    sentence = "the shipped view's call is answered a second later anyway"
    assert call.answered and call.seconds >= SERIAL * LATENCY, (
        f"{claim(EX05, sentence)} (so does {BY_HAND}), but the visitor gave up after "
        f"{left:.2f} s and the fake API reported the call {call.outcome} after "
        f"{call.seconds:.2f} s"
    )


def test_an_async_view_abandons_its_api_call_when_the_visitor_leaves(solved: Site) -> None:
    left, call = the_call_of_a_visitor_who_leaves(solved)

    assert call.abandoned, (
        f"{claim(EX05, 'yours is abandoned at once')} (so does {BY_HAND}), but the visitor gave "
        f"up after {left:.2f} s and the fake API reported the call {call.outcome} after "
        f"{call.seconds:.2f} s"
    )


# ex06 · Don't async everything


def fastest_hash(clock=time.perf_counter) -> float:
    """The shortest of ten runs of the exercise's hashing, here: a lower bound for the server."""
    runs = []
    for _ in range(10):
        started = clock()
        hash_password(PASSWORD)
        runs.append(clock() - started)
    return min(runs)


def a_health_check_during_registrations(site: Site) -> Queue:
    """Send HASHES registrations, then the course's health check while they are still queued.

    The registrations are all in the server's socket buffers when the health
    check is written (`queued_then`). That the server still had their hashing
    ahead of it then is checked from outside, by the CPU time it used from
    that moment on: at least half the registrations' worth of hashing more
    than Django's own work for as many requests with nothing to hash (the CPU
    time of HASHES + 1 health checks sent the same way, start to end). On a
    loaded machine the server may have hashed them before the health check
    was even written; then the premise did not hold, nothing is judged, and
    the registrations are sent again.
    """
    one_hash = fastest_hash(time.thread_time)  # CPU time, as the server's is counted
    registration = ("POST", REGISTER, {"password": PASSWORD})
    seen = []
    for _ in range(TRIES):
        django = queued_then(site, [("GET", HEALTH, None)] * HASHES, ("GET", HEALTH)).cpu_in_all
        needed = django + HASHES / 2 * one_hash
        rush = queued_then(site, [registration] * HASHES, ("GET", HEALTH))
        for answer in rush.queued:
            assert answer.status == 200 and decoded(answer.body) == DIGEST, (
                f"{EX06}: a registration got {answer.status} {answer.body[:300]!r} instead of "
                f"{DIGEST}; the server printed:\n{site.server.output()[-3000:]}"
            )
        assert rush.last.status == 200, f"the health check answered {rush.last}"
        if rush.cpu_after_last >= needed:
            return rush
        seen.append(f"{rush.cpu_after_last:.3f} s (needed {needed:.3f} s)")
    pytest.fail(
        f"in {TRIES} tries, the server never had {HASHES // 2} of {HASHES} registrations still "
        f"to hash when the health check was asked for: from then on it used {', '.join(seen)} "
        "of CPU "
        f"(one hash takes {one_hash:.3f} s of CPU here; Django's work for "
        f"{HASHES + 1} requests is counted in what is needed)"
    )


def test_hashing_on_the_event_loop_holds_every_other_request(shipped: Site) -> None:
    one_hash = fastest_hash()

    rush = a_health_check_during_registrations(shipped)

    # It comes in with half the hashing or more still to do: a quarter of all of it, at least.
    floor = HASHES / 4 * one_hash
    check = rush.last
    sentence = "it holds the event loop from start to finish and every other request waits"
    assert check.seconds >= floor, (
        f"{claim(EX06, sentence)}, but as shipped the health check, asked for while "
        f"{HASHES} registrations were still being hashed, took only {check.seconds:.3f} s "
        f"(one hash takes {one_hash:.3f} s here, at least {floor:.3f} s expected; "
        f"{rush.answered_after_last()} registrations were answered after it)"
    )
    before = rush.answered_before_last()
    late = "As shipped the health check comes back late, after many of the registrations"
    assert before >= HASHES / 4, (
        f"{claim(BY_HAND, late)}, but only {before} of {HASHES} registrations were answered "
        "before it"
    )


def test_hashing_in_a_worker_thread_leaves_the_loop_free(solved: Site) -> None:
    rush = a_health_check_during_registrations(solved)

    later = rush.answered_after_last()
    assert later >= STILL_HASHING, (
        f"{claim(EX06, 'Take the hashing off the event loop')}, so that other requests are "
        f"served while it hashes, but solved the health check, asked for while {HASHES} "
        f"registrations were still being hashed, took {rush.last.seconds:.3f} s and only "
        f"{later} registrations were answered after it: it waited for the hashing (at least "
        f"{STILL_HASHING} should still be hashing when it is answered)"
    )
    assert later >= HASHES / 2, (
        f"{claim(BY_HAND, 'Solved, it comes back among the first')}, but only "
        f"{later} of {HASHES} registrations were answered after it (it took "
        f"{rush.last.seconds:.3f} s)"
    )


# ex07 · Fan out with gather; README "Try your views by hand": the calls in flight


def calls_of(
    site: Site, path: str, visitors: int = 1, timeout: float = 30.0
) -> tuple[list[Reply], list[Call]]:
    """GET requests to a view in API_PATHS, one per visitor, sent at once; and the calls to
    the fake API they made."""
    before = len(site.settle())  # the calls of earlier requests are all reported
    _, replies = site.at_once(visitors, "GET", path, timeout=timeout)
    return replies, site.settle()[before:]


def at_most_in_flight(calls: list[Call]) -> int:
    return max((call.in_flight for call in calls), default=0)


def dashboard() -> dict:
    return {"weather": FORECAST, "news": ANSWERS["/news"], "stocks": ANSWERS["/stocks"]}


def test_a_dashboard_awaiting_each_call_has_one_in_flight_at_a_time(shipped: Site) -> None:
    [reply], calls = calls_of(shipped, DASHBOARD)

    assert_answered(shipped, [reply], dashboard(), BY_HAND)
    sentence = "As shipped, its three calls end a second apart, each `(1 in flight)`"
    lines = "\n".join(shipped.api.server.lines[-3:])
    assert len(calls) == 3 and at_most_in_flight(calls) == 1, (
        f"{claim(BY_HAND, sentence)}, but as shipped {DASHBOARD} made these calls:\n{lines}"
    )
    floor = SERIAL * 3 * LATENCY
    assert reply.seconds >= floor, (
        f"{claim(BY_HAND, 'the page takes three seconds')}, but as shipped {DASHBOARD} took "
        f"{reply.seconds:.2f} s (API latency {LATENCY:g} s, at least {floor:.2f} s expected)"
    )


def test_a_gathered_dashboard_has_its_three_calls_in_flight_at_once(solved: Site) -> None:
    [reply], calls = calls_of(solved, DASHBOARD)

    assert_answered(solved, [reply], dashboard(), BY_HAND)
    sentence = "solved, they end at the same moment, the first with `(3 in flight)`"
    lines = "\n".join(solved.api.server.lines[-3:])
    assert len(calls) == 3 and at_most_in_flight(calls) == 3, (
        f"{claim(BY_HAND, sentence)}, but solved {DASHBOARD} made these calls:\n{lines}"
    )
    limit = TOGETHER * LATENCY
    assert reply.seconds < limit, (
        f"{claim(BY_HAND, 'the page takes one second')}, but solved {DASHBOARD} took "
        f"{reply.seconds:.2f} s (API latency {LATENCY:g} s, limit {limit:g} s)"
    )


# ex08 · Deadlines; README "Try your views by hand": `--hang /forecast`


def deadline(site: Site) -> float:
    """DEADLINE as the served copy of exercise 08 defines it."""
    views = (site.tree / "exercises/ex08_upstream_timeout/views.py").read_text(encoding="utf-8")
    found = re.search(r"^DEADLINE = ([\d.]+)", views, re.MULTILINE)
    assert found, "exercises/ex08_upstream_timeout/views.py no longer sets DEADLINE"
    return float(found.group(1))


def test_a_hung_api_gets_a_500_when_the_client_gives_up_after_ten_seconds(shipped: Site) -> None:
    with shipped.api_misbehaving(*HUNG):
        reply = shipped.request("GET", TIMED_OUT)

    sentence = (
        "`fetch_forecast` … gives up only after ten seconds … The visitor stares at a spinner "
        "for ten seconds and gets an error page (500)"
    )
    assert reply.status == 500 and b"ReadTimeout" in reply.body, (
        f"{claim(EX08, sentence)} (and {BY_HAND}), but as shipped, with the fake API started "
        f"with {' '.join(HUNG)}, {TIMED_OUT} answered {reply.shown()}"
    )
    assert reply.seconds >= CLIENT_TIMEOUT, (
        f"{claim(EX08, sentence)}, but as shipped it answered after {reply.seconds:.2f} s"
    )


def test_a_hung_api_gets_a_504_by_the_deadline(solved: Site) -> None:
    with solved.api_misbehaving(*HUNG):
        reply = solved.request("GET", TIMED_OUT)

    seconds = deadline(solved)
    sentence = "solved, 504 after its two-second deadline"
    assert reply.status == 504 and isinstance(decoded(reply.body), dict), (
        f"{claim(BY_HAND, sentence)}, but solved, with the fake API started with "
        f"{' '.join(HUNG)}, {TIMED_OUT} answered {reply.shown()}"
    )
    assert seconds <= reply.seconds < CLIENT_TIMEOUT / 2, (
        f"{claim(BY_HAND, sentence)}, but solved it answered after {reply.seconds:.2f} s "
        f"(DEADLINE {seconds:g} s; the client's own timeout is {CLIENT_TIMEOUT:g} s)"
    )


# ex10 · Bounded concurrency; README "Try your views by hand": the calls in flight


def prices() -> dict:
    return {"prices": [answer_for(f"/prices/{product}") for product in PRODUCTS]}


def test_fifty_calls_at_once_have_more_than_the_limit_in_flight(shipped: Site) -> None:
    [reply], calls = calls_of(shipped, PRICE_LIST)

    assert_answered(shipped, [reply], prices(), BY_HAND)
    sentence = "As shipped they all end together, the fake API counting more than 5 in flight"
    peak = at_most_in_flight(calls)
    assert len(calls) == len(PRODUCTS) and peak > LIMIT, (
        f"{claim(BY_HAND, sentence)}, but as shipped {PRICE_LIST} made {len(calls)} calls, "
        f"at most {peak} in flight at once"
    )


def test_a_semaphore_keeps_the_limit_in_flight(solved: Site) -> None:
    [reply], calls = calls_of(solved, PRICE_LIST)

    assert_answered(solved, [reply], prices(), BY_HAND)
    sentence = "solved, never more than `(5 in flight)`: five calls end at a time"
    peak = at_most_in_flight(calls)
    assert len(calls) == len(PRODUCTS) and peak == LIMIT, (
        f"{claim(BY_HAND, sentence)}, but solved {PRICE_LIST} made {len(calls)} calls, at most "
        f"{peak} in flight at once"
    )
    floor = SERIAL * len(PRODUCTS) / LIMIT * LATENCY
    assert reply.seconds >= floor, (
        f"{claim(BY_HAND, 'in ten rounds a second apart, so the page takes ten seconds or more')}"
        f", but solved {PRICE_LIST} took {reply.seconds:.2f} s (API latency {LATENCY:g} s, at "
        f"least {floor:.2f} s expected)"
    )


@pytest.mark.timeout(180)
def test_where_a_semaphore_lives_decides_what_it_bounds(solved: Site, other_answers: Site) -> None:
    # Two visitors at once on each server, both pairs together, with the fake APIs restarted
    # faster (FAST an answer): the two pages that share the module's semaphore take 20 rounds,
    # 6 s idle, over 30 s on a loaded machine. The claim is the peak, so they get a minute.
    faster = ("--latency", str(FAST))
    with (
        solved.api_misbehaving(*faster),
        other_answers.api_misbehaving(*faster),
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        per_request = pool.submit(calls_of, solved, PRICE_LIST, 2, 60)
        per_process = pool.submit(calls_of, other_answers, PRICE_LIST, 2, 60)
        replies, calls = per_request.result()
        shared_replies, shared_calls = per_process.result()

    assert_answered(solved, replies, prices(), EX10)
    sentence = "two visitors at once have twice `LIMIT` calls in flight"
    peak = at_most_in_flight(calls)
    assert len(calls) == 2 * len(PRODUCTS) and peak == 2 * LIMIT, (
        f"{claim(EX10, sentence)} with a semaphore made inside the view, but solved two "
        f"requests to {PRICE_LIST} sent at once made {len(calls)} calls, at most {peak} in "
        "flight at once"
    )
    assert_answered(other_answers, shared_replies, prices(), EX10)
    sentence = "a semaphore made at module level (… every request waits on it)"
    peak = at_most_in_flight(shared_calls)
    assert len(shared_calls) == 2 * len(PRODUCTS) and peak == LIMIT, (
        f"{claim(EX10, sentence)}, but with {MODULE_SEMAPHORE} as the view, two requests to "
        f"{PRICE_LIST} sent at once made {len(shared_calls)} calls, at most {peak} in flight "
        "at once"
    )


# ex12 · First answer wins; README "Try your views by hand": a slow mirror, a failing one


def mirror_calls(site: Site, count: int) -> list[Call]:
    """The calls to the mirrors the restarted fake API reported, once there are `count`."""
    return site.api.wait_for_calls(count, timeout=LATENCY + 5)


def test_asking_one_mirror_waits_for_the_slow_one(shipped: Site) -> None:
    with shipped.api_misbehaving(*SLOW_MIRROR):
        reply = shipped.request("GET", MIRRORS)

    assert_answered(shipped, [reply], answer_for("/a/forecast"), BY_HAND)
    floor = SERIAL * 5
    assert reply.seconds >= floor, (
        f"{claim(BY_HAND, 'exercise 12 as shipped takes five seconds (it waits for mirror a)')}"
        f", but with the fake API started with {' '.join(SLOW_MIRROR)}, {MIRRORS} took "
        f"{reply.seconds:.2f} s"
    )


def test_the_race_answers_from_the_fast_mirror_and_abandons_the_slow_one(solved: Site) -> None:
    with solved.api_misbehaving(*SLOW_MIRROR):
        reply = solved.request("GET", MIRRORS)
        calls = mirror_calls(solved, 2)

    sentence = (
        "solved, one second, with mirror b's forecast, and the fake API prints mirror a's call "
        "abandoned"
    )
    assert_answered(solved, [reply], answer_for("/b/forecast"), claim(BY_HAND, sentence))
    limit = SIDE_BY_SIDE * LATENCY
    assert reply.seconds < limit, (
        f"{claim(BY_HAND, sentence)}, but with the fake API started with "
        f"{' '.join(SLOW_MIRROR)}, {MIRRORS} took {reply.seconds:.2f} s (limit {limit:g} s)"
    )
    abandoned = [call.call for call in calls if call.abandoned]
    assert abandoned == ["GET /a/forecast"], (
        f"{claim(BY_HAND, sentence)}, but the fake API printed:\n{solved.api.server.output()}"
    )


def test_asking_one_mirror_does_not_see_the_other_fail(shipped: Site) -> None:
    with shipped.api_misbehaving(*FAILING_MIRROR):
        reply = shipped.request("GET", MIRRORS)

    sentence = "as shipped, mirror a's forecast after two seconds"
    assert_answered(shipped, [reply], answer_for("/a/forecast"), claim(BY_HAND, sentence))
    assert reply.seconds >= SERIAL * 2, (
        f"{claim(BY_HAND, sentence)}, but with the fake API started with "
        f"{' '.join(FAILING_MIRROR)}, {MIRRORS} took {reply.seconds:.2f} s"
    )


def test_a_failed_answer_wins_the_race_too(solved: Site) -> None:
    with solved.api_misbehaving(*FAILING_MIRROR):
        reply = solved.request("GET", MIRRORS)
        calls = mirror_calls(solved, 2)

    sentence = "solved, a 500 after one, with mirror a's call abandoned"
    ex12 = "exercises/ex12_first_wins/README.md"
    failed = "when the faster mirror fails (a 500, a dropped connection), this view answers 500"
    assert reply.status == 500, (
        f"{claim(BY_HAND, sentence)} (and {claim(ex12, failed)}), but with the fake API started "
        f"with {' '.join(FAILING_MIRROR)}, {MIRRORS} answered {reply.shown()}"
    )
    abandoned = [call.call for call in calls if call.abandoned]
    assert abandoned == ["GET /a/forecast"], (
        f"{claim(BY_HAND, sentence)}, but the fake API printed:\n{solved.api.server.output()}"
    )


# ex13 · The async ORM


def test_sync_queries_in_async_views_are_refused_with_a_500(shipped: Site) -> None:
    sentence = (
        "In an `async def` view Django refuses each of them with `SynchronousOnlyOperation` … "
        "As shipped, both pages answer 500"
    )
    for path in (CATALOGUE, TEAPOT):
        reply = shipped.request("GET", path)

        assert refused_as_sync_only(reply), (
            f"{claim(EX13, sentence)}, but as shipped, with the products in the database, "
            f"{path} answered {reply.shown()}"
        )


def test_the_async_orm_lists_the_products_in_stock(solved: Site) -> None:
    reply = solved.request("GET", CATALOGUE)

    sentence = "Use the ORM's async methods, which you await … The JSON stays the same"
    expected = {
        "count": 2,
        "products": [{"name": "Kettle", "price": "24.50"}, {"name": "Teapot", "price": "32.00"}],
    }
    assert reply.status == 200 and decoded(reply.body) == expected, (
        f"{claim(EX13, sentence)}: “the count and the products in stock, by name, with their "
        f"prices”, but solved {CATALOGUE} answered {reply.shown()} instead of {expected} "
        f"(shelf: {orm.SHELF})"
    )


def test_the_async_orm_finds_a_product_by_its_id_or_answers_404(solved: Site) -> None:
    found = solved.request("GET", TEAPOT)
    missing = solved.request("GET", NO_SUCH_PRODUCT)

    sentence = "`await Product.objects.aget(pk=pk)` … raises the same `Product.DoesNotExist`"
    teapot = {"name": "Teapot", "price": "32.00", "stock": 4}
    assert found.status == 200 and decoded(found.body) == teapot, (
        f"{claim(EX13, sentence)}, but solved {TEAPOT} answered {found.shown()} instead of "
        f"{teapot} (shelf: {orm.SHELF})"
    )
    error = {"error": "no such product"}
    assert missing.status == 404 and decoded(missing.body) == error, (
        f"{claim(EX13, sentence)}: “a 404 for an id with no product”, but solved "
        f"{NO_SUCH_PRODUCT} answered {missing.shown()} instead of 404 {error} (shelf: {orm.SHELF})"
    )


# ex14 · Related objects; README "Try your views by hand": a 500 or the catalogue


def test_lazy_related_objects_in_async_views_are_refused_with_a_500(shipped: Site) -> None:
    sentence = (
        "In an async view that query is a sync one, so Django refuses it with "
        "`SynchronousOnlyOperation`, and both pages answer 500"
    )
    for path in (RELATED_CATALOGUE, RELATED_MAKERS):
        reply = shipped.request("GET", path)

        assert refused_as_sync_only(reply), (
            f"{claim(EX14, sentence)} (so does {BY_HAND}), but as shipped, with makers and "
            f"their products in the database, {path} answered {reply.shown()}"
        )


def test_related_objects_fetched_with_the_main_query_make_the_same_json(solved: Site) -> None:
    catalogue = solved.request("GET", RELATED_CATALOGUE)
    makers = solved.request("GET", RELATED_MAKERS)

    sentence = (
        "Fetch the related rows with the main query … The loops and the JSON stay as they are"
    )
    products = sorted(
        (
            {"name": product, "maker": maker}
            for maker, names in related.MAKERS.items()
            for product in names
        ),
        key=lambda item: item["name"],
    )
    expected = {"products": products}
    assert catalogue.status == 200 and decoded(catalogue.body) == expected, (
        f"{claim(EX14, sentence)}, but solved {RELATED_CATALOGUE} answered {catalogue.shown()} "
        f"instead of {expected} (makers: {related.MAKERS})"
    )
    expected = {
        "makers": [{"maker": maker, "products": names} for maker, names in related.MAKERS.items()]
    }
    assert makers.status == 200 and decoded(makers.body) == expected, (
        f"{claim(EX14, sentence)}, but solved {RELATED_MAKERS} answered {makers.shown()} "
        f"instead of {expected} (makers: {related.MAKERS})"
    )


# ex15 · A blocking SDK; README "Try your views by hand": three seconds or one


def test_the_sdk_on_the_event_loop_tracks_parcels_one_after_another(shipped: Site) -> None:
    reply = shipped.request("GET", TRACKING)

    assert_answered(shipped, [reply], tracked(*PARCELS), EX15)
    floor = SERIAL * len(PARCELS) * LATENCY
    sentence = "The view calls it on the event loop, once per parcel, one after another"
    assert reply.seconds >= floor, (
        f"{claim(EX15, sentence)} (and so does {BY_HAND}), but as shipped {TRACKING} took "
        f"{reply.seconds:.2f} s (API latency {LATENCY:g} s, at least {floor:.2f} s expected)"
    )


def test_the_sdk_on_the_event_loop_holds_every_other_request(shipped: Site) -> None:
    # Whichever comes first, the other waits: all four calls to the carrier, one after another.
    total, replies = shipped.together([("GET", TRACKING), ("GET", ANOTHER_PARCEL)])

    tracking, another = replies
    assert_answered(shipped, [tracking], tracked(*PARCELS), EX15)
    assert_answered(shipped, [another], tracked("Z9"), EX15)
    calls = len(PARCELS) + 1
    floor = SERIAL * calls * LATENCY
    sentence = "while a page waits for the carrier, no other request of the server gets served"
    assert total >= floor, (
        f"{claim(EX15, sentence)} (and {BY_HAND}: a request sent meanwhile waits too), but as "
        f"shipped {TRACKING} and {ANOTHER_PARCEL}, sent at once, took {total:.2f} s together "
        f"for {calls} calls to the carrier (API latency "
        f"{LATENCY:g} s, at least {floor:.2f} s expected; {TRACKING}: {tracking.seconds:.2f} s, "
        f"{ANOTHER_PARCEL}: {another.seconds:.2f} s)"
    )


def test_the_sdk_in_worker_threads_tracks_parcels_side_by_side_in_order(solved: Site) -> None:
    total, replies = solved.together([("GET", TRACKING), ("GET", ANOTHER_PARCEL)])

    tracking, another = replies
    in_order = claim(EX15, "The JSON keeps the parcels in the order of `ids`")
    assert_answered(solved, [tracking], tracked(*PARCELS), in_order)
    assert_answered(solved, [another], tracked("Z9"), in_order)
    limit = TOGETHER * LATENCY
    sentence = (
        "`asyncio.to_thread` … runs each call in a thread of a shared pool … so calls started "
        "together run together"
    )
    assert tracking.seconds < limit, (
        f"{claim(EX15, sentence)} (and {BY_HAND}: one second, not three), but solved {TRACKING} "
        f"took {tracking.seconds:.2f} s (API latency {LATENCY:g} s, limit {limit:g} s)"
    )
    assert total < limit, (
        f"{claim(EX15, sentence)}, but solved {TRACKING} and {ANOTHER_PARCEL}, sent at once, "
        f"took {total:.2f} s together (API latency {LATENCY:g} s, limit {limit:g} s; "
        f"{TRACKING}: {tracking.seconds:.2f} s, {ANOTHER_PARCEL}: {another.seconds:.2f} s)"
    )


def test_sync_to_async_by_default_runs_the_calls_of_a_request_one_after_another(
    other_answers: Site,
) -> None:
    total, replies = other_answers.at_once(2, "GET", TRACKING)

    assert_answered(other_answers, replies, tracked(*PARCELS), EX15)
    floor = SERIAL * len(PARCELS) * LATENCY
    sentence = (
        "`sync_to_async(f)` with its default `thread_sensitive=True` runs the sync calls of one "
        "request in that request's one thread, one after another"
    )
    for reply in replies:
        assert reply.seconds >= floor, (
            f"{claim(EX15, sentence)}, but with {THREAD_SENSITIVE} as the view, {TRACKING} "
            f"took {reply.seconds:.2f} s (API latency {LATENCY:g} s, at least {floor:.2f} s "
            f"expected; each: {each(replies)})"
        )
    limit = ONE_THREAD_EACH * len(PARCELS) * LATENCY
    assert total < limit, (
        f"{claim(EX15, sentence)}: a thread per request, but with {THREAD_SENSITIVE} as the "
        f"view, two requests to {TRACKING} sent at once took {total:.2f} s together, as if they "
        f"shared one thread (API latency {LATENCY:g} s, limit {limit:g} s; each: {each(replies)})"
    )


# ex16 · All or nothing


def order(customer: str, quantities: dict[int, int]) -> dict:
    """The JSON exercise 16's view takes: a line per product id, with its quantity."""
    lines = [{"product": pk, "quantity": quantity} for pk, quantity in quantities.items()]
    return {"customer": customer, "lines": lines}


def written(site: Site) -> dict:
    """What exercise 16's tables hold in `site`'s database: the orders with their lines, and
    each product's stock. Read by a process of its own, as another visitor would: only what
    the server committed."""
    printed = django_command(site.tree, "shell", "--verbosity", "0", "--command", WHAT_IS_WRITTEN)
    return json.loads(printed)


def lines(quantities: dict[int, int]) -> list[list]:
    return [[ORDER_SHELF[pk][0], quantity] for pk, quantity in quantities.items()]


def lines_of(state: dict, customer: str) -> list[list[list]]:
    """The lines of each order of `customer`, in the order they were placed."""
    return [order["lines"] for order in state["orders"] if order["customer"] == customer]


def stock_of(state: dict, quantities: dict[int, int]) -> dict[str, int]:
    return {ORDER_SHELF[pk][0]: state["stock"][ORDER_SHELF[pk][0]] for pk in quantities}


def stock_after(quantities: dict[int, int]) -> dict[str, int]:
    """Each product's stock once `quantities` are taken from ORDER_SHELF."""
    return {
        ORDER_SHELF[pk][0]: ORDER_SHELF[pk][1] - quantity for pk, quantity in quantities.items()
    }


@BOTH
def test_an_order_is_placed_with_all_its_lines(site: Site) -> None:
    reply = site.request("POST", PLACE_ORDER, json=order("Ana", WHOLE_ORDER))
    state = written(site)

    placed = decoded(reply.body)
    answer = "The view still answers `201` with the order's id"
    assert reply.status == 201 and isinstance(placed, dict) and list(placed) == ["order"], (
        f"{claim(EX16, answer)}, but "
        f"{PLACE_ORDER} answered {reply.shown()} to {order('Ana', WHOLE_ORDER)}"
    )
    sentence = (
        "Placing an order writes several rows: the order, then for each line the product's "
        "stock (taken down by the quantity) and the order line"
    )
    expected = [{"id": placed["order"], "customer": "Ana", "lines": lines(WHOLE_ORDER)}]
    ordered = [order for order in state["orders"] if order["customer"] == "Ana"]
    assert ordered == expected, (
        f"{claim(EX16, sentence)}, but after {PLACE_ORDER} answered {placed}, Ana's orders in "
        f"the database are {ordered} instead of {expected}"
    )
    assert stock_of(state, WHOLE_ORDER) == stock_after(WHOLE_ORDER), (
        f"{claim(EX16, sentence)}, but after Ana's order {lines(WHOLE_ORDER)} the stock is "
        f"{stock_of(state, WHOLE_ORDER)} instead of {stock_after(WHOLE_ORDER)}"
    )


def a_failure_midway(site: Site) -> dict:
    """Place HALF_ORDER, whose third line the database refuses; what is written afterwards.

    The 500 is checked first: nothing written must come from that refusal, not
    from an order that never reached the database.
    """
    reply = site.request("POST", PLACE_ORDER, json=order("Bea", HALF_ORDER))

    assert reply.status == 500 and b"IntegrityError" in reply.body, (
        f"{PLACE_ORDER} answered {reply.shown()} to Bea's order {lines(HALF_ORDER)}, whose "
        f"third line asks for more than the stock ({ORDER_SHELF[6]}): the database should "
        "have refused that line's stock update (IntegrityError: CHECK constraint failed)"
    )
    return written(site)


def test_writes_committed_one_by_one_leave_half_an_order(shipped: Site) -> None:
    state = a_failure_midway(shipped)

    first_two = dict(list(HALF_ORDER.items())[:2])
    sentence = (
        "If the database fails at the third line (a constraint, …), the order and the first "
        "two lines stay written. The result is a half-placed order"
    )
    assert lines_of(state, "Bea") == [lines(first_two)], (
        f"{claim(EX16, sentence)}, but as shipped, after the database refused the third line "
        f"of Bea's order {lines(HALF_ORDER)}, her orders in the database have the lines "
        f"{lines_of(state, 'Bea')} instead of {[lines(first_two)]}"
    )
    expected = stock_after(first_two) | stock_after({6: 0})
    assert stock_of(state, HALF_ORDER) == expected, (
        f"{claim(EX16, sentence)}, with stock taken, but as shipped, after the database refused "
        f"the third line of Bea's order {lines(HALF_ORDER)}, the stock is "
        f"{stock_of(state, HALF_ORDER)} instead of {expected}"
    )


def test_one_transaction_leaves_nothing_of_a_failed_order(solved: Site) -> None:
    state = a_failure_midway(solved)

    sentence = "Make the writes all or nothing: one transaction"
    untouched = stock_after(dict.fromkeys(HALF_ORDER, 0))
    assert lines_of(state, "Bea") == [] and stock_of(state, HALF_ORDER) == untouched, (
        f"{claim(EX16, sentence)}: “no order, no line and no stock change may be left”, but "
        "solved, after the database refused the third line of Bea's order "
        f"{lines(HALF_ORDER)}, her orders have the lines {lines_of(state, 'Bea')} and the "
        f"stock is {stock_of(state, HALF_ORDER)} (before: {untouched})"
    )


SHELF_500 = "Both answer 500, Django's page naming `IntegrityError`"


def test_transaction_atomic_is_refused_in_an_async_view(
    atomic_in_async: tuple[str, Site],
) -> None:
    case, site = atomic_in_async
    error, sentence = ATOMIC_IN_ASYNC[case]

    reply = site.request("POST", PLACE_ORDER, json=order("Eve", {1: 1}))

    assert reply.shown().startswith(f"500 {error} at {PLACE_ORDER}:"), (
        f"{claim(EX16, sentence)}, but with tests/cases/ex16_atomic_writes/{case} as the view, "
        f"{PLACE_ORDER} answered {reply.shown()}"
    )


def shelf_by_hand(site: Site) -> tuple[Reply, dict[str, object]]:
    """README.md's exercise 16 by hand: the shelf put back, Dan's order placed, and what
    its last command prints (`orders: [...]`, `stock: {...}`), read back as values."""
    django_command(site.tree, "shell", "-v", "0", "-c", SHELF_BY_HAND)
    reply = site.request("POST", PLACE_ORDER, json=json.loads(ORDER_BY_HAND))
    printed = django_command(site.tree, "shell", "-v", "0", "-c", LOOK_BY_HAND)
    found = dict(line.split(": ", 1) for line in printed.splitlines() if ": " in line)
    assert found.keys() == {"orders", "stock"}, f"the last command printed {printed!r}"
    state = {name: ast.literal_eval(value) for name, value in found.items()}
    assert reply.status == 500 and b"IntegrityError" in reply.body, (
        f"{claim(BY_HAND, SHELF_500)}, but "
        f"{PLACE_ORDER} answered {reply.shown()} to {ORDER_BY_HAND}"
    )
    return reply, state


def dans(state: dict[str, object]) -> list:
    """Dan's orders in what the last command printed (earlier checks placed others')."""
    return [order for order in state["orders"] if order[0] == "Dan"]


def on_the_shelf(state: dict[str, object]) -> dict[str, int]:
    return {name: state["stock"][name] for name in ("Kettle", "Teapot", "Toaster")}


def test_by_hand_half_an_order_stays(shipped: Site) -> None:
    _, state = shelf_by_hand(shipped)

    sentence = (
        "As shipped, half the order stays: `orders: [('Dan', 2)]` and "
        "`stock: {'Kettle': 9, 'Teapot': 9, 'Toaster': 10}`"
    )
    expected = {"Kettle": 9, "Teapot": 9, "Toaster": 10}
    assert dans(state) == [("Dan", 2)] and on_the_shelf(state) == expected, (
        f"{claim(BY_HAND, sentence)}, but as shipped it printed Dan's orders {dans(state)} and "
        f"the stock {on_the_shelf(state)}"
    )


def test_by_hand_nothing_of_the_order_stays(solved: Site) -> None:
    _, state = shelf_by_hand(solved)

    sentence = (
        "solved, nothing: `orders: []` and `stock: {'Kettle': 10, 'Teapot': 10, 'Toaster': 10}`"
    )
    expected = {"Kettle": 10, "Teapot": 10, "Toaster": 10}
    assert dans(state) == [] and on_the_shelf(state) == expected, (
        f"{claim(BY_HAND, sentence)}, but solved it printed Dan's orders {dans(state)} and "
        f"the stock {on_the_shelf(state)}"
    )


# ex17 · Who is asking?


@BOTH
def test_an_anonymous_visitor_is_asked_to_log_in(site: Site) -> None:
    reply = site.request("GET", GREETING)

    expected = {"error": "log in first"}
    assert reply.status == 401 and decoded(reply.body) == expected, (
        f"{claim(EX17, 'The shop … turns anonymous visitors away with a 401')}, but without a "
        f"session {GREETING} answered {reply.shown()} instead of 401 {expected}"
    )


def test_a_lazy_user_in_an_async_view_is_refused_with_a_500(shipped: Site) -> None:
    reply = shipped.request("GET", GREETING, headers=auth.LOGGED_IN)

    sentence = (
        "In an `async def` view those are sync queries, so Django refuses them with "
        "`SynchronousOnlyOperation`, and a logged-in customer gets a 500"
    )
    assert refused_as_sync_only(reply), (
        f"{claim(EX17, sentence)}, but as shipped, with {auth.CUSTOMER}'s session cookie, "
        f"{GREETING} answered {reply.shown()}"
    )


def test_the_user_loaded_with_auser_is_greeted_by_name(solved: Site) -> None:
    reply = solved.request("GET", GREETING, headers=auth.LOGGED_IN)

    sentence = "Load the user with its async twin, `user = await request.auser()`"
    expected = {"greeting": f"Hello, {auth.CUSTOMER}!"}
    assert reply.status == 200 and decoded(reply.body) == expected, (
        f"{claim(EX17, sentence)}: a logged-in customer is greeted by name, but solved, with "
        f"{auth.CUSTOMER}'s session cookie, {GREETING} answered {reply.shown()} "
        f"instead of {expected}"
    )


def logged_in_by_hand(site: Site) -> dict[str, str]:
    """README.md's exercise 17 by hand: ana logged in from Django's shell; her cookie."""
    session = django_command(site.tree, "shell", "-v", "0", "-c", SESSION_BY_HAND).strip()
    assert re.fullmatch(r"[a-z0-9]{32}", session), f"the shell printed {session!r}, not a key"
    return {"Cookie": f"sessionid={session}"}


def test_by_hand_ana_gets_a_500_as_shipped(shipped: Site) -> None:
    reply = shipped.request("GET", GREETING, headers=logged_in_by_hand(shipped))

    sentence = "As shipped, ana gets a 500, Django's page naming `SynchronousOnlyOperation`"
    assert refused_as_sync_only(reply), (
        f"{claim(BY_HAND, sentence)}, but with the session the shell made, {GREETING} "
        f"answered {reply.shown()}"
    )


def test_by_hand_ana_is_greeted_solved(solved: Site) -> None:
    reply = solved.request("GET", GREETING, headers=logged_in_by_hand(solved))

    sentence = 'solved, `{"greeting": "Hello, ana!"}`'
    assert reply.status == 200 and decoded(reply.body) == {"greeting": "Hello, ana!"}, (
        f"{claim(BY_HAND, sentence)}, but with the session the shell made, {GREETING} "
        f"answered {reply.shown()}"
    )


# README "Try your views by hand": its commands are the ones checked here


def test_the_commands_checked_here_are_the_readmes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [
        *(f"python -m course.fake_api {' '.join(options)}" for options in (HUNG, SLOW_MIRROR)),
        f"python -m course.fake_api {' '.join(FAILING_MIRROR)}\n",
        f'python -m django shell -v 0 -c "{SHELF_BY_HAND}"\n',
        f"curl -d '{ORDER_BY_HAND}' http://127.0.0.1:8000{PLACE_ORDER}\n",
        f'python -m django shell -v 0 -c "{LOOK_BY_HAND}"\n',
        f'SESSION=$(python -m django shell -v 0 -c "{SESSION_BY_HAND}")\n',
        f'curl --cookie "sessionid=$SESSION" http://127.0.0.1:8000{GREETING}\n',
        *(
            f"curl http://127.0.0.1:8000{path}\n"
            for path in (DASHBOARD, PRICE_LIST, TIMED_OUT, MIRRORS)
        ),
    ]
    missing = [command for command in commands if command not in readme]
    assert not missing, f"{BY_HAND} no longer shows these commands checked here: {missing}"


# ex18 · Cache the slow answer; README "Try your views by hand": two calls or one


def api_calls_of_two_requests(site: Site, expected: int) -> tuple[list[Reply], int]:
    """Ask exercise 18's view twice, one request after the other; the API calls they made.

    Its path is not in API_PATHS: whether a request calls the API is what is
    checked here. The fake API is waited for until it reported `expected`
    calls, the README's count (fewer show up as fewer, once `settle` gives up).
    """
    before = len(site.settle())  # the calls of earlier requests are all reported
    replies = [site.request("GET", CACHED_FORECAST) for _ in range(2)]
    site.api_calls += expected
    return replies, len(site.settle()) - before


def test_an_uncached_forecast_calls_the_api_for_every_request(shipped: Site) -> None:
    replies, calls = api_calls_of_two_requests(shipped, expected=2)

    assert_answered(shipped, replies, FORECAST, EX18)
    sentence = "the view asks the slow weather API for it on every request"
    assert calls == 2, (
        f"{claim(EX18, sentence)} (so does {BY_HAND}), but as shipped two requests to "
        f"{CACHED_FORECAST} made {calls} call(s) to the fake API:\n{shipped.api.server.output()}"
    )


def test_a_cached_forecast_calls_the_api_once_for_two_requests(solved: Site) -> None:
    replies, calls = api_calls_of_two_requests(solved, expected=1)

    assert_answered(solved, replies, FORECAST, EX18)
    sentence = (
        "Keep the answer in Django's cache for a minute (`TTL = 60`), so that most requests "
        "never wait for the API"
    )
    assert calls == 1, (
        f"{claim(EX18, sentence)} (and {BY_HAND}: one call, not two), but solved two requests "
        f"to {CACHED_FORECAST} made {calls} call(s) to the fake API:\n"
        f"{solved.api.server.output()}"
    )
    folder = solved.tree / ".awaitlings" / "cache"
    kept = sorted(path.name for path in folder.glob("*.djcache"))
    files = "The course's cache keeps its entries in files"
    assert kept, (
        f"{claim(EX18, files)}, but solved, with the "
        f"forecast cached, {folder} holds no `.djcache` file"
    )


# README "Try your views by hand": a broken exercise does not break the course


def test_an_exercise_that_does_not_import_shows_an_error_page_and_the_others_keep_working(
    solved: Site,
) -> None:
    broken = solved.request("GET", MID_EDIT_PATH)
    working = solved.request("GET", BLOCKING_SLEEP)

    sentence = (
        "An exercise whose code does not import (a syntax error mid-edit) shows an error page "
        "naming the problem; every other exercise keeps working"
    )
    expected = "exercise ex02_missing_await could not be loaded: SyntaxError"
    assert broken.status == 500 and expected in broken.body.decode(), (
        f"{claim(BY_HAND, sentence)}, but {MID_EDIT_PATH} with a syntax error in {MID_EDIT} "
        f"answered {broken.status} {broken.error or broken.body[:300]!r}"
    )
    assert working.status == 200, (
        f"{claim(BY_HAND, sentence)}, but with {MID_EDIT} broken, {BLOCKING_SLEEP} answered "
        f"{working.status} {working.error or working.body[:300]!r}"
    )


# ex19 · A middleware in every request's way

TIMED = "/async_middleware/"
TIMING_MIDDLEWARE = "exercises.ex19_async_middleware.middleware.server_timing"
TIMING_FILE = "exercises/ex19_async_middleware/middleware.py"
UNMARKED_CLASS = "tests/cases/ex19_async_middleware/async_class_unmarked.py"
ADAPTED = "Asynchronous handler adapted for middleware"


def adapted_at_start_up(site: Site) -> list[str]:
    """The middleware Django said it adapted, with django.request logging at DEBUG, when the
    course's application was made in the site's copy (as uvicorn makes it)."""
    script = (  # what course.asgi does, with the logger set once Django has configured it
        "import logging, sys, django; django.setup(set_prefix=False); "
        "logger = logging.getLogger('django.request'); logger.setLevel(logging.DEBUG); "
        "logger.addHandler(logging.StreamHandler(sys.stderr)); "
        "from course.handlers import course_application; course_application()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=site.tree,
        env=course_environment(site.tree, AWAITLINGS_API=site.api.url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"course.asgi did not import:\n{done.stderr[-3000:]}"
    return re.findall(rf"{ADAPTED} (\S+?)\.?$", done.stderr, re.MULTILINE)


@pytest.mark.parametrize(
    ("site", "expected"), [("shipped", [TIMING_MIDDLEWARE]), ("solved", [])], indirect=["site"]
)
def test_django_adapts_a_sync_only_middleware_when_the_server_starts(
    site: Site, expected: list[str]
) -> None:
    adapted = adapted_at_start_up(site)

    sentence = (
        'With `django.request` logging at DEBUG it says so at start-up: "Asynchronous handler '
        'adapted for middleware exercises.ex19_async_middleware.middleware.server_timing."'
    )
    assert adapted == expected, f"{claim(EX19, sentence)}, but Django adapted {adapted}"


def threads_in(dump: list[str], file: str) -> int:
    """How many threads of a faulthandler dump have a frame in `file`."""
    threads, inside = 0, False
    for line in dump:
        if THREAD.match(line):
            inside = False
        elif not inside and f'{file}"' in line:
            threads, inside = threads + 1, True
    return threads


@pytest.mark.parametrize(
    ("site", "expected"), [("shipped", AT_ONCE), ("solved", 0)], indirect=["site"]
)
def test_each_request_behind_a_sync_only_middleware_holds_a_thread_while_the_page_waits(
    site: Site, expected: int
) -> None:
    port = free_port()
    dumps = site.tree.parent / f"stacks-{port}.txt"  # a dump of every thread's stack per SIGUSR1
    # One request more than are sent: uvicorn's limit would start its shutdown at the last.
    command = uvicorn_command(sys.executable, port, AT_ONCE + 1, dumps=dumps)
    with (
        site.api_misbehaving(*HUNG) as api,
        serve_process(
            "uvicorn dumping its threads",
            command,
            port,
            site.tree,
            course_environment(site.tree, AWAITLINGS_API=api.url),
        ) as server,
        ThreadPoolExecutor(AT_ONCE) as visitors,
    ):
        for _ in range(AT_ONCE):
            visitors.submit(site_of(server, site).request, "GET", TIMED, timeout=15)
        api_port = api.server.port
        deadline = time.monotonic() + 30
        while connections_to(api_port) < AT_ONCE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert connections_to(api_port) >= AT_ONCE, "the five pages never all called the API"
        time.sleep(0.2)  # each call's thread, if any, reaches its wait
        os.kill(server.process.pid, signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not THREAD.search(
            dumps.read_text(encoding="utf-8", errors="replace")
        ):
            time.sleep(0.05)
        time.sleep(0.5)  # the rest of the dump
        dump = dumps.read_text(encoding="utf-8", errors="replace").splitlines()
        held = threads_in(dump, TIMING_FILE)
        server.stop()  # the pages' calls hang: the visitors end with the server

    sentence = (
        "the worker thread sits in `async_to_sync` waiting for it, one thread per request, for "
        "as long as the page waits for the API"
    )
    assert held == expected, (
        f"{claim(EX19, sentence)}, but with {AT_ONCE} pages waiting for a hung API, {held} "
        f"threads were inside {TIMING_FILE}:\n" + "\n".join(dump[-80:])
    )


@pytest.mark.parametrize(
    ("site", "saved"), [("solved", True), ("other_answers", False)], indirect=["site"]
)
def test_a_session_is_saved_only_behind_a_middleware_that_says_it_is_async(
    site: Site, saved: bool
) -> None:
    reply = site.request("GET", f"{TIMED}city/Porto/")

    sentence = (
        "The session middleware then takes yours for a sync one and is done before the page "
        "has run: the session the page writes is never saved, and no session cookie goes back"
    )
    assert reply.status == 200 and decoded(reply.body) == {"city": "Porto"}, reply.shown()
    assert ("sessionid=" in reply.headers.get("set-cookie", "")) is saved, (
        f"{claim(EX19, sentence)}, but {'the solution' if saved else 'an unmarked class'} "
        f"answered with headers {reply.headers}"
    )


def site_of(server: Server, site: Site) -> Site:
    """A site for another uvicorn serving the same copy and fake API as `site`."""
    return Site(site.tree, server, site.api, {})


# ex20 · A class of its own kind

CLASS_VIEW = "/async_class_view/"


def test_a_class_with_mixed_handlers_is_refused_and_only_its_pages_say_so(shipped: Site) -> None:
    refused = shipped.request("GET", CLASS_VIEW)
    working = shipped.request("GET", BLOCKING_SLEEP)

    sentence = (
        "this exercise's pages answer 500 with the reason (`exercise ex20_async_class_view could "
        "not be loaded: ImproperlyConfigured: …`), and the other exercises work"
    )
    expected = (
        "exercise ex20_async_class_view could not be loaded: ImproperlyConfigured: ForecastView "
        "HTTP handlers must either be all sync or all async."
    )
    assert refused.status == 500 and refused.body.decode() == expected, (
        f"{claim(EX20, sentence)}, but {CLASS_VIEW} answered {refused.status} "
        f"{refused.error or refused.body[:300]!r}"
    )
    assert working.status == 200, f"{claim(EX20, sentence)}, but {BLOCKING_SLEEP} got {working}"


def test_an_all_async_class_answers_get_and_post(solved: Site) -> None:
    forecast = solved.request("GET", CLASS_VIEW)
    subscribed = solved.request("POST", CLASS_VIEW, json={"email": "ana@example.com"})

    sentence = 'POST `{"email": "ana@example.com"}` answers 201'
    assert forecast.status == 200 and decoded(forecast.body) == FORECAST, forecast.shown()
    assert subscribed.status == 201, f"{claim(EX20, sentence)}, but it got {subscribed.shown()}"
    assert decoded(subscribed.body) == {"subscribed": "ana@example.com"}


# ex21 · Events as they happen

LIVE_DASHBOARD = "/streaming_events/"
LIVE_DASHBOARD_VIEWS = "exercises/ex21_streaming_events/views.py"
SYNC_GENERATOR = "tests/cases/ex21_streaming_events/sync_generator.py"
CONSUMES_SYNC = (
    "StreamingHttpResponse must consume synchronous iterators in order to serve them "
    "asynchronously. Use an asynchronous iterator instead."
)
SLOW_STOCKS = ("--slow", "/stocks=5")  # the other two answer after LATENCY


def first_event_while_calling(site: Site) -> tuple[Reply, int]:
    """The live dashboard read until its first event, with the stocks API slow: what had
    arrived, and how many of the server's calls to the API were still open then."""
    with site.api_misbehaving(*SLOW_STOCKS) as api:
        api_port = api.server.port
        seen: list[int] = []

        def an_event(body: bytes) -> bool:
            if b"\n\n" not in body:
                return False
            seen.append(connections_to(api_port))
            return True

        reply = read_until(site.url, LIVE_DASHBOARD, an_event, "no event", 30)
        return reply, (seen or [0])[0]


def test_a_whole_body_is_sent_once_the_last_api_has_answered(shipped: Site) -> None:
    reply, still_calling = first_event_while_calling(shipped)

    sentence = "the first event reaches the browser with the last, after the slowest API"
    assert reply.error is None and still_calling == 0, (
        f"{claim(EX21, sentence)}, but its first event came with {still_calling} call(s) to "
        f"the API still open ({reply.error or reply.body[:200]!r})"
    )


def test_an_async_generator_streams_each_event_as_it_comes(solved: Site) -> None:
    reply, still_calling = first_event_while_calling(solved)

    sentence = (
        "under an ASGI server Django iterates an async iterator on the event loop and sends "
        "every piece as it comes"
    )
    assert reply.error is None and still_calling >= 1, (
        f"{claim(EX21, sentence)}, but its first event came with no call to the API still "
        f"open ({reply.error or reply.body[:200]!r})"
    )


def test_a_sync_iterator_is_read_whole_before_anything_is_sent(other_answers: Site) -> None:
    reply, still_calling = first_event_while_calling(other_answers)

    sentence = (
        "it reads it whole, in a worker thread, and only then sends it, all at once (it warns: "
        f'"{CONSUMES_SYNC}")'
    )
    assert reply.error is None and still_calling == 0, (
        f"{claim(EX21, sentence)}, but a sync generator's first event came with "
        f"{still_calling} call(s) to the API still open ({reply.error or reply.body[:200]!r})"
    )
    assert CONSUMES_SYNC in other_answers.server.output(), (
        f"{claim(EX21, sentence)}, but the server printed no such warning:\n"
        f"{other_answers.server.output()[-2000:]}"
    )


# ex22 · When the visitor leaves

LIVE_FORECAST = "/stream_disconnect/"
WATCHED_AFTER = 6.0  # seconds the fake API is watched once the visitor left (INTERVAL is 2)


def calls_after_leaving(site: Site) -> int:
    """A visitor reads the live forecast's first event and leaves: the calls the fake API
    reported in the next WATCHED_AFTER seconds."""
    site.settle()
    reply = read_until(site.url, LIVE_FORECAST, lambda body: b"\n\n" in body, "no event", 30)
    assert reply.error is None, f"{LIVE_FORECAST} sent no event: {reply.error}"
    site.api_calls += 1  # the call its first event carried: reported once answered
    reported = len(site.settle())
    time.sleep(WATCHED_AFTER)
    return len(site.api.calls()) - reported


def test_a_task_the_stream_started_polls_on_after_the_visitor_left(shipped_alone: Site) -> None:
    more = calls_after_leaving(shipped_alone)

    sentence = "it goes on asking the API for nobody, for as long as the server runs"
    assert more >= 1, (
        f"{claim(EX22, sentence)}, but in the {WATCHED_AFTER:g} s after the visitor left, the "
        f"fake API reported no call:\n{shipped_alone.api.server.output()[-2000:]}"
    )


def test_a_stream_that_polls_itself_stops_when_the_visitor_leaves(solved: Site) -> None:
    more = calls_after_leaving(solved)

    sentence = (
        "Django notices when the visitor disconnects, and cancels the request: the stream gets "
        "`asyncio.CancelledError` where it waits (the API call, or the sleep), and stops"
    )
    assert more == 0, (
        f"{claim(EX22, sentence)}, but in the {WATCHED_AFTER:g} s after the visitor left, the "
        f"fake API reported {more} more call(s):\n{solved.api.server.output()[-2000:]}"
    )


# ex23 · Everyone who listens

ORDERS = "/async_signals/"
ORDER = {"id": 7, "lines": [{"product": 1, "quantity": 2}]}  # the exercise's tests' order
SIGNAL_VIEWS = "exercises/ex23_async_signals/views.py"
SEND_TO_ASYNC = "tests/cases/ex23_async_signals/send_with_async_receivers.py"
ASYNC_TO_SYNC_REFUSED = "You cannot use AsyncToSync in the same thread as an async event loop"


def two_orders_at_once(site: Site) -> list[Call]:
    """Two orders placed at the same moment: the fake API's calls they made."""
    before = len(site.settle())
    _, replies = site.at_once(2, "POST", ORDERS, json=ORDER)
    for reply in replies:
        assert reply.status == 201 and decoded(reply.body) == {"order": 7, "told": 2}, (
            f"{EX23}: an order got {reply.shown()}; the server printed:\n"
            f"{site.server.output()[-3000:]}"
        )
    return site.settle()[before:]


def test_receivers_told_with_send_hold_every_other_request(shipped: Site) -> None:
    calls = two_orders_at_once(shipped)

    sentence = (
        "the receivers run one after the other, on the event loop, holding every other "
        "request while they wait"
    )
    assert len(calls) == 4 and at_most_in_flight(calls) == 1, (
        f"{claim(EX23, sentence)}, but two orders placed at once had {at_most_in_flight(calls)} "
        f"of their {len(calls)} calls to the services in flight at once"
    )


def test_receivers_told_with_asend_work_side_by_side(solved: Site) -> None:
    calls = two_orders_at_once(solved)

    sentence = "`asend()` runs async receivers side by side"
    assert len(calls) == 4 and at_most_in_flight(calls) == 4, (
        f"{claim(EX23, sentence)}, but two orders placed at once had only "
        f"{at_most_in_flight(calls)} of their {len(calls)} calls to the services in flight at once"
    )


def test_send_refuses_async_receivers_on_the_event_loop(other_answers: Site) -> None:
    reply = other_answers.request("POST", ORDERS, json=ORDER)
    other_answers.api_calls -= API_PATHS[ORDERS]  # refused before any receiver ran

    sentence = (
        "`send()` cannot run async receivers from async code: it would need `async_to_sync`, "
        f'which refuses to run on the event loop ("{ASYNC_TO_SYNC_REFUSED}")'
    )
    assert reply.status == 500, f"{claim(EX23, sentence)}, but an order got {reply.shown()}"
    assert ASYNC_TO_SYNC_REFUSED in other_answers.server.output(), (
        f"{claim(EX23, sentence)}, but the server printed no such error:\n"
        f"{other_answers.server.output()[-2000:]}"
    )


@pytest.mark.parametrize("sync_first", [True, False], ids=["sync_first", "async_first"])
def test_asend_runs_sync_receivers_before_the_async_ones_on_django_6_only(sync_first: bool) -> None:
    """Not a server's doing: Django's own, and it changed between the two lines the course
    supports. A sync receiver waits for an async one to start: on Django 5.2 it does."""
    announced = Signal()
    async_started = threading.Event()
    seen: list[bool] = []

    def sync_receiver(sender, **kwargs):
        seen.append(async_started.wait(timeout=2))

    async def async_receiver(sender, **kwargs):
        async_started.set()

    receivers = [sync_receiver, async_receiver]
    for receiver in receivers if sync_first else reversed(receivers):
        announced.connect(receiver, weak=False)
    asyncio.run(announced.asend(sender=None))

    sentence = (
        "sync ones, if any, one after another in a worker thread: alongside the async ones on "
        "Django 5.2, before them on Django 6"
    )
    alongside = django.VERSION < (6,)
    assert seen == [alongside], (
        f"{claim(EX23, sentence)}, but on Django {django.get_version()} the async receiver "
        f"{'had' if seen == [True] else 'had not'} started while the sync one ran"
    )


# ex24 · Twenty visitors at once (the live test and the scenario judge the shipped view and
# the solution under uvicorn: `tests/test_scenarios.py`, `tests/test_cases.py`)

LIVE_SERVER = "/live_server/"
LIVE_SERVER_VIEWS = "exercises/ex24_live_server/views.py"
CALLS_IN_THREADS = "tests/cases/ex24_live_server/sync_calls_in_threads.py"
VISITORS = 20


def test_to_thread_lets_out_as_many_calls_as_the_default_pool_has_threads(
    other_answers: Site,
) -> None:
    before = len(other_answers.settle())
    _, replies = other_answers.at_once(VISITORS, "GET", LIVE_SERVER, timeout=60)
    calls = other_answers.settle(timeout=60)[before:]

    cpus = getattr(os, "process_cpu_count", os.cpu_count)() or 1  # what Python 3.13 counts
    threads = min(32, cpus + 4)
    sentence = (
        "`asyncio.to_thread` runs sync calls in the event loop's default pool of "
        "`min(32, CPUs + 4)` threads: the other calls wait for a thread"
    )
    assert all(reply.status == 200 for reply in replies), (
        f"{EX24}: a visitor got {next(r for r in replies if r.status != 200).shown()}"
    )
    assert len(calls) == 3 * VISITORS and at_most_in_flight(calls) == threads, (
        f"{claim(EX24, sentence)}, but {VISITORS} visitors sent at once had at most "
        f"{at_most_in_flight(calls)} of their {len(calls)} calls in flight together "
        f"({threads} threads expected, {cpus} CPUs)"
    )
