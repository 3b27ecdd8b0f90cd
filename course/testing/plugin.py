"""The harness's pytest fixtures, registered by the root `conftest.py`.

An exercise test asks for what it needs by name:

    async def test_five_requests_are_served_together(client, upstream):
        upstream.endpoint(FORECAST_URL, json=FORECAST)
        upstream.hold_until_in_flight(5)
        await client.concurrently(5, "/")
        upstream.assert_in_flight_at_once(5, reason="...")

`client` calls the exercise's own urls with blocking detection and the
missing-await probe switched on; `upstream` is the fake slow API; the others
are documented on their fixtures.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import respx
from django.conf import settings
from django.urls import clear_url_caches, set_urlconf

from course.testing.awaits import UnawaitedProbe
from course.testing.blocking import BlockingGuard
from course.testing.client import ExerciseClient
from course.testing.locate import Location
from course.testing.network import block_real_network
from course.testing.threads import ThreadProbe
from course.testing.upstream import FakeUpstream

def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Fake loop time for every async test: deadlines, sleeps and an unfilled
    # rendezvous cost no real time, so red runs fail at once.
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and inspect.iscoroutinefunction(function):
            item.add_marker(pytest.mark.looptime)

@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    block_real_network(monkeypatch)

@pytest.fixture
def exercise_folder(request: pytest.FixtureRequest) -> Path:
    """The folder of the exercise under test: the learner's code lives there."""
    for folder in Path(request.path).parents:
        if (folder / "exercise.toml").is_file():
            return folder
    raise pytest.UsageError(f"{request.path} is not inside an exercise folder")

@pytest.fixture
def exercise_urls(exercise_folder: Path) -> str:
    """The exercise's own urlconf: its tests never depend on another exercise."""
    return f"exercises.{exercise_folder.name}.urls"

@pytest.fixture
def exercise_urlconf(exercise_urls: str, exercise_folder: Path) -> Iterator[str]:
    """Route requests through the exercise's urls; fail plainly if its code does not import."""
    try:
        import_module(exercise_urls)
    except Exception as error:
        pytest.fail(_import_failure(error, exercise_folder), pytrace=False)
    original = settings.ROOT_URLCONF
    settings.ROOT_URLCONF = exercise_urls
    clear_url_caches()
    set_urlconf(None)
    yield exercise_urls
    settings.ROOT_URLCONF = original
    clear_url_caches()
    set_urlconf(None)

def _import_failure(error: Exception, folder: Path) -> str:
    if isinstance(error, SyntaxError) and error.filename:
        where = Location(Path(error.filename), error.lineno or 0, "")
        return f"{where} has a syntax error: {error.msg} — fix it and run again"
    return f"the exercise's code could not be imported: {type(error).__name__}: {error}"

@pytest.fixture
def blocking_guard(exercise_folder: Path) -> Iterator[BlockingGuard]:
    """Blocking calls made by the exercise's code on the event loop raise and are recorded."""
    with BlockingGuard(exercise_folder) as guard:
        yield guard

@pytest.fixture
def unawaited(exercise_folder: Path) -> Iterator[UnawaitedProbe]:
    """Coroutines the exercise's code created and never awaited."""
    with UnawaitedProbe(exercise_folder) as probe:
        yield probe

@pytest.fixture
def client(
    exercise_urlconf: str, blocking_guard: BlockingGuard, unawaited: UnawaitedProbe
) -> ExerciseClient:
    """Django's AsyncClient on the exercise's urls, failing with the lesson's reason."""
    return ExerciseClient(blocking_guard.folder, blocking_guard, unawaited)

@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    """The fake slow API; every httpx request it does not serve fails at once."""
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield FakeUpstream(router)

@pytest.fixture
def thread_probe(
    exercise_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[Any, str], ThreadProbe]:
    """`thread_probe(hashlib, "pbkdf2_hmac")` records the thread of every call to it."""

    def probe(owner: Any, name: str) -> ThreadProbe:
        return ThreadProbe(owner, name, exercise_folder, monkeypatch)

    return probe

