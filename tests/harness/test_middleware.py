"""An exercise's own middleware (exercise 19): served after the project's, its cost named when
Django has to adapt it, its refusal told in plain words, and kept to its exercise's pages."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

import pytest

from course.catalog import ROOT, load_exercise
from course.handlers import course_application
from course.testing.locate import LearnerCode
from course.testing.middleware import unmarked_async_instance
from tests.harness.conftest import HARNESS, VIEWS_FILE, failure

MIDDLEWARE_FILE = HARNESS / "middleware.py"
HOLDS = [
    number
    for number, line in enumerate(MIDDLEWARE_FILE.read_text().splitlines(), 1)
    if "# holds the thread" in line
]
ITEM = {"id": 1}
SYNC_ONLY = ["sync_function", "SyncClass"]
ASYNC_CAPABLE = ["both_modes", "async_only", "MarkedClass", "Hooks"]


@pytest.fixture
def learner_code() -> LearnerCode:
    return LearnerCode(HARNESS, frozenset({VIEWS_FILE, MIDDLEWARE_FILE}))


@pytest.fixture
def exercise_middleware(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return (f"tests.harness.middleware.{request.param}",)


@pytest.mark.parametrize(
    ("exercise_middleware", "line"),
    list(zip(SYNC_ONLY, HOLDS, strict=True)),
    indirect=["exercise_middleware"],
)
async def test_a_sync_only_middleware_is_named_for_the_thread_it_holds(client, upstream, line):
    upstream.endpoint("https://api.example/item", json=ITEM)
    where = f"tests/harness/middleware.py:{line}"

    with failure(rf"^Django ran a sync-only middleware in a worker thread.* at {where}: "):
        await client.get("/awaits/")


@pytest.mark.parametrize("exercise_middleware", ASYNC_CAPABLE, indirect=True)
async def test_an_async_capable_middleware_holds_no_thread(client, upstream):
    upstream.endpoint("https://api.example/item", json=ITEM)

    response = await client.get("/awaits/")

    assert response.status_code == 200
    assert response.headers["x-seen"] == "yes"


@pytest.mark.parametrize("exercise_middleware", ["async_without_a_flag"], indirect=True)
async def test_an_async_function_without_its_flag_is_told_in_plain_words(client):
    with failure(re.escape("took it for a sync-only one, yet it returned an `async def`")):
        await client.get("/awaits/")


@pytest.mark.parametrize("exercise_middleware", ["returns_none"], indirect=True)
async def test_a_middleware_django_refuses_fails_the_test_with_djangos_reason(client):
    with failure(r"^Django could not load the middleware: ImproperlyConfigured: .*returned None"):
        await client.get("/awaits/")


@pytest.mark.parametrize(
    ("name", "unmarked"),
    [("UnmarkedClass", True), ("MarkedClass", False), ("SyncClass", False), ("Hooks", False)]
    + [(name, False) for name in ("sync_function", "both_modes", "async_only", "missing")],
)
def test_only_an_async_class_that_does_not_mark_itself_is_unmarked(name, unmarked):
    assert unmarked_async_instance(f"tests.harness.middleware.{name}") is unmarked


async def scope_answer(application, path: str) -> tuple[int, bytes]:
    sent: list[dict] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the visitor stays until answered
        raise AssertionError("unreachable")

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }
    await application(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.django_db
async def test_a_middleware_that_cannot_load_breaks_only_its_own_exercises_pages(monkeypatch):
    blocking = load_exercise(ROOT / "exercises" / "ex03_blocking_sleep")
    broken = replace(blocking, middleware=("tests.harness.middleware.returns_none",))
    monkeypatch.setattr("course.handlers.load_exercises", lambda: [broken])

    application = course_application()

    status, body = await scope_answer(application, "/blocking_sleep/")
    assert status == 500
    assert b"could not be loaded: ImproperlyConfigured" in body
    status, body = await scope_answer(application, "/")
    assert status == 200 and b"awaitlings" in body
