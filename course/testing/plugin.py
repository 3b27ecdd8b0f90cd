"""The harness's pytest fixtures, registered by the root `conftest.py`.

An exercise test asks for what it needs by name:

    async def test_five_requests_are_served_together(client, upstream):
        upstream.endpoint(FORECAST_URL, json=FORECAST)
        upstream.hold_until_in_flight(5)
        await client.concurrently(5, "/")
        upstream.assert_in_flight_at_once(5, reason="...")

`client` calls the exercise's own urls through Django's ASGI handler, with
blocking detection, the missing-await probe and the thread-wait probe switched
on; `upstream` is the fake slow API; the others are documented on their
fixtures. Each test imports the learner's modules afresh, as a server process
would when it starts: module-level state (a semaphore, a client, a cache)
lives for the requests of one test, on that test's event loop.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import respx
from asgiref.sync import SyncToAsync
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.urls import clear_url_caches, set_urlconf

from course.catalog import Exercise, load_exercise
from course.testing.awaits import UnawaitedProbe
from course.testing.blocking import BlockingGuard
from course.testing.chance import draw_the_highest
from course.testing.client import ExerciseClient
from course.testing.explain import mixed_handlers
from course.testing.locate import LearnerCode, Location
from course.testing.network import block_real_network
from course.testing.queries import Queries
from course.testing.tasks import TaskProbe
from course.testing.threads import ThreadProbe, ThreadWaits
from course.testing.tls import shared_tls_contexts
from course.testing.transports import every_client_to
from course.testing.upstream import FakeUpstream
from course.testing.watchdog import start_watchdog


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "threads_may_wait: the lesson runs blocking code it cannot change (a vendor's sync "
        "SDK) in worker threads on purpose, so waits in threads are not reported",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Fake loop time for every async test: deadlines, sleeps and an unfilled
    # rendezvous cost no real time, so red runs fail at once.
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and inspect.iscoroutinefunction(function):
            item.add_marker(pytest.mark.looptime)


@pytest.fixture(autouse=True, scope="session")
def _shared_tls_contexts() -> Iterator[None]:
    with shared_tls_contexts():
        yield


@pytest.fixture(autouse=True)
def _hang_watchdog(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test still stuck after its timeout ends the process (see `watchdog`)."""
    marker = request.node.get_closest_marker("timeout")
    option = request.config.getoption("timeout", default=None)  # pytest-timeout's --timeout
    configured = option if option is not None else request.config.getini("timeout")
    timeout = float(marker.args[0] if marker else configured or 0)
    if timeout <= 0:
        yield
        return
    timer = start_watchdog(request.config, request.node.nodeid, timeout)
    yield
    timer.cancel()


@pytest.fixture(autouse=True)
def _environment_of_its_own() -> Iterator[None]:
    """What one test's code puts in os.environ (DJANGO_ALLOW_ASYNC_UNSAFE…) ends with it."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def _a_cache_of_its_own(settings: Any, tmp_path: Path) -> None:
    """An empty cache for each test, in its own folder: test processes run side by side."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": tmp_path / "cache"}}


@pytest.fixture(autouse=True)
def _close_the_tests_own_connections() -> Iterator[None]:
    """The test's own async ORM calls (`await Model.objects.acount()`, `sync_to_async`)
    run in asgiref's one shared thread, whose database connection outlives the test
    and would keep PostgreSQL from dropping the test database: close it."""
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    block_real_network(monkeypatch)


@pytest.fixture(autouse=True)
def _quiet_request_log() -> Iterator[None]:
    # The client reports a failing view in plain words; Django's own
    # "Internal Server Error" log would repeat it as a traceback first.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture
def exercise(request: pytest.FixtureRequest) -> Exercise:
    """The exercise under test, found from the test file's folder."""
    for folder in Path(request.path).parents:
        if (folder / "exercise.toml").is_file():
            return load_exercise(folder)
    raise pytest.UsageError(f"{request.path} is not inside an exercise folder")


@pytest.fixture
def learner_code(exercise: Exercise) -> LearnerCode:
    """The files the learner edits: messages point at lines in them."""
    return LearnerCode(exercise.path, frozenset(exercise.path / name for name in exercise.files))


@pytest.fixture
def exercise_urls(exercise: Exercise) -> str:
    """The exercise's own urlconf: its tests never depend on another exercise."""
    return f"{exercise.package}.urls"


@pytest.fixture
def exercise_urlconf(exercise_urls: str) -> Iterator[str]:
    """Route requests through the exercise's urls; fail plainly if its code does not import."""
    forget_learner_modules(exercise_urls.rpartition(".")[0])
    import_learner_module(exercise_urls)
    original = settings.ROOT_URLCONF
    settings.ROOT_URLCONF = exercise_urls
    clear_url_caches()
    set_urlconf(None)
    yield exercise_urls
    settings.ROOT_URLCONF = original
    clear_url_caches()
    set_urlconf(None)


KEPT_MODULES = {"models", "migrations"}


def forget_learner_modules(package: str) -> None:
    """Drop the exercise's modules, so that the next import is a fresh one.

    Not its tests, and not its models and migrations: Django registers models
    once, at start-up, and a second import of them would register them again.

    From the package too: `from . import views` takes the package's attribute
    when there is one, without importing anything.
    """
    for name in [name for name in sys.modules if name.startswith(f"{package}.")]:
        parent, _, child = name.rpartition(".")
        top = name.removeprefix(f"{package}.").split(".")[0]
        if not child.startswith("test_") and top not in KEPT_MODULES:
            del sys.modules[name]
            if parent in sys.modules:
                vars(sys.modules[parent]).pop(child, None)


def import_learner_module(name: str) -> None:
    """Import `name`, failing the test with the learner's file and line if it cannot.

    The exercise's models were imported once, by `django.setup()` (as in a
    server process); if they could not be, that error is this exercise's.
    """
    app = apps.get_containing_app_config(name)
    try:
        if error := getattr(app, "models_error", None):
            raise error
        import_module(name)
    except SyntaxError as error:
        where = Location(Path(error.filename or name), error.lineno or 0, "")
        pytest.fail(
            f"{where} has a syntax error: {error.msg} — fix it and run again", pytrace=False
        )
    except ImproperlyConfigured as error:
        if mixed_handlers(error):  # the lesson's mistake: told when a test asks for the view,
            return  # as Django tells it then (the urls import again and raise in the request)
        message = f"the exercise's code could not be imported: ImproperlyConfigured: {error}"
        pytest.fail(message, pytrace=False)
    except SystemExit as error:
        # Left to propagate, it would stop the whole test session, not this test.
        message = f"the exercise's code called sys.exit({error.code!r}) while being imported"
        pytest.fail(f"{message} — remove it", pytrace=False)
    except Exception as error:
        message = f"the exercise's code could not be imported: {type(error).__name__}: {error}"
        pytest.fail(message, pytrace=False)


@pytest.fixture
def thread_waits(
    exercise_urlconf: str,
    learner_code: LearnerCode,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> ThreadWaits:
    """Waits (sleeps, API calls) that held a worker thread instead of awaiting on the loop."""
    waits = ThreadWaits(learner_code, monkeypatch)
    waits.reported = request.node.get_closest_marker("threads_may_wait") is None
    return waits


@pytest.fixture
def blocking_guard(learner_code: LearnerCode, thread_waits: ThreadWaits) -> Iterator[BlockingGuard]:
    """Blocking calls made by the exercise's code on the event loop raise and are recorded."""
    with BlockingGuard(learner_code) as guard:
        yield guard


@pytest.fixture
def unawaited(learner_code: LearnerCode) -> Iterator[UnawaitedProbe]:
    """Coroutines the learner's code created and never awaited."""
    with UnawaitedProbe(learner_code) as probe:
        yield probe


@pytest.fixture
def exercise_middleware(exercise: Exercise, exercise_urlconf: str) -> tuple[str, ...]:
    """The exercise's own middleware, imported afresh like its urls (after them: the same
    fresh import forgot both)."""
    for name in exercise.middleware:
        import_learner_module(name.rpartition(".")[0])
    return exercise.middleware


@pytest.fixture
def client(
    exercise_urlconf: str,
    exercise_middleware: tuple[str, ...],
    blocking_guard: BlockingGuard,
    unawaited: UnawaitedProbe,
    thread_waits: ThreadWaits,
) -> ExerciseClient:
    """Requests to the exercise's urls through Django's ASGI handler, with the exercise's own
    middleware after the project's; fails with the reason."""
    return ExerciseClient(blocking_guard, unawaited, thread_waits, exercise_middleware)


@pytest.fixture
def upstream(thread_waits: ThreadWaits) -> Iterator[FakeUpstream]:
    """The fake slow API; every request it does not serve fails at once, whatever the client."""
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        upstream = FakeUpstream(router, thread_waits)
        with every_client_to(upstream):
            yield upstream


@pytest.fixture
def highest_random(
    exercise_urlconf: str, learner_code: LearnerCode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`random` draws its highest value: jitter cannot change a grade (see `chance`)."""
    draw_the_highest(learner_code, monkeypatch)


@pytest.fixture
def tasks() -> TaskProbe:
    """`await tasks.assert_none_left()` fails if the view left tasks running."""
    return TaskProbe()


@pytest.fixture
def thread_probe(
    learner_code: LearnerCode, monkeypatch: pytest.MonkeyPatch
) -> Callable[[Any, str], ThreadProbe]:
    """`thread_probe(hashlib, "pbkdf2_hmac")` records the thread of every call to it."""

    def probe(owner: Any, name: str) -> ThreadProbe:
        return ThreadProbe(owner, name, learner_code, monkeypatch)

    return probe


@pytest.fixture
def made_by_learner(
    learner_code: LearnerCode, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., list[tuple[Any, Location]]]:
    """`made = made_by_learner(httpx.AsyncClient)`: every object of those classes the
    learner's code makes from here on, with the learner's line, in a list that fills as the
    test runs. Those made at a module's top level are left out (a client or semaphore shared
    by the process is made once, on import); `directly=True` keeps only those the learner's
    own line makes, not a library it calls (httpx makes semaphores of its own)."""

    def watch(*kinds: type, directly: bool = False) -> list[tuple[Any, Location]]:
        made: list[tuple[Any, Location]] = []
        for kind in kinds:
            original = kind.__init__

            def recorded(obj: Any, *args: Any, original: Any = original, **kwargs: Any) -> None:
                caller = sys._getframe(1)
                where = learner_code.in_stack(caller)
                mine = not directly or learner_code.owns(caller.f_code.co_filename)
                if where and mine and where.function != "<module>":
                    made.append((obj, where))
                original(obj, *args, **kwargs)

            monkeypatch.setattr(kind, "__init__", recorded)
        return made

    return watch


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[Queries]:
    """`response, count = await queries.of(client.get("/"))`: the queries a request ran;
    `queries.refuse("app_table", "NEW.product_id = 3")` (in a sync fixture): such rows fail."""
    counter = Queries(monkeypatch)
    yield counter
    counter.close()
