"""The spec of exercise 19. Run it alone with `pytest exercises/ex19_async_middleware`.

The client serves the exercise's pages as the course does: Django's ASGI
handler with the project's middleware, then the exercise's (`exercise.toml`).
"""

import re

import pytest

from course.testing.middleware import unmarked_async_instance
from course.weather import FORECAST_URL

FORECAST = {"city": "Braga", "temperature": 14, "sky": "cloudy"}
SERVER_TIMING = re.compile(r"app;dur=\d+(\.\d+)?")


def assert_timed(response) -> None:
    header = response.headers.get("server-timing", "")
    assert SERVER_TIMING.fullmatch(header), (
        f"the page came back with Server-Timing {header!r}, not `app;dur=<milliseconds>` "
        "— the middleware must still add it"
    )


async def test_the_forecast_says_how_long_the_server_worked(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == FORECAST
    assert_timed(response)


async def test_five_forecasts_are_served_without_a_thread_each(client, upstream):
    # Each call to the API looks for worker threads held waiting for the loop.
    upstream.endpoint(FORECAST_URL, json=FORECAST)
    upstream.hold_until_in_flight(5)

    for response in await client.concurrently(5, "/"):
        assert_timed(response)

    upstream.assert_in_flight_at_once(5, reason="the requests reached the API one after another")


async def test_a_sync_page_behind_it_still_works(client):
    response = await client.get("/about/")

    assert response.status_code == 200
    assert response.json() == {"course": "awaitlings", "chapter": 4}
    assert_timed(response)


@pytest.mark.django_db(transaction=True)  # the session is saved by a worker thread
async def test_the_session_a_page_writes_is_saved(client, exercise):
    response = await client.get("/city/Porto/")

    assert response.status_code == 200
    assert_timed(response)
    assert "sessionid=" in response.headers.get("set-cookie", ""), (
        "the page stored the visitor's city in the session, but no session cookie came back"
        + why_the_chain_broke(exercise.middleware[0])
    )


def why_the_chain_broke(middleware: str) -> str:
    if not unmarked_async_instance(middleware):
        return ""
    return (
        ": Django's SessionMiddleware, in front of yours, took yours for a sync one and was "
        "done before the page ran — your `__call__` is `async def`, but the instance does not "
        "say so; add `markcoroutinefunction(self)` to `__init__` (from `asgiref.sync`)"
    )
