"""The spec of exercise 11. Run it alone with `pytest exercises/ex11_retry_backoff`.

Tests run on a fake loop clock: backoff waits cost no real time, and the
fake API records when (in loop time) each attempt arrived. Jitter is welcome:
`random` draws its highest value in these tests, so a jittered wait is judged
by its upper bound and the same code always gets the same grade.
"""

import asyncio
from itertools import pairwise

import pytest

from course.weather import FORECAST_URL

pytestmark = pytest.mark.usefixtures("highest_random")

FORECAST = {"city": "Evora", "temperature": 30, "sky": "hot"}
# As shipped in views.py; the spec keeps its own copy.
ATTEMPTS = 4
BACKOFF = 0.5


def waits_between(endpoint) -> list[float]:
    return [round(later - earlier, 3) for earlier, later in pairwise(endpoint.call_times)]


async def test_a_busy_api_is_retried_until_it_answers(client, upstream):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST, status=[503, 503, 200], latency=0.01)

    response = await client.get("/", within=60)

    assert api.calls == 3, (
        f"the API answered 503, 503, 200, but was called {api.calls} time(s) — on a 503, "
        "wait and try again"
    )
    assert response.status_code == 200
    assert response.json() == FORECAST
    waits = waits_between(api)
    assert waits[0] >= BACKOFF, (
        f"the view tried again {waits[0]} s after a 503; wait at least BACKOFF ({BACKOFF} s)"
    )
    assert waits[1] > waits[0], f"the waits were {waits}; each wait must be longer than the last"


async def test_it_gives_up_after_the_last_attempt(client, upstream):
    api = upstream.endpoint(FORECAST_URL, json={}, status=503, latency=0.01)

    response = await client.get("/", within=120)

    answered_at = asyncio.get_running_loop().time()
    assert api.calls == ATTEMPTS, f"the view tried {api.calls} time(s); it may try {ATTEMPTS}"
    assert response.status_code == 503, (
        f"after the last attempt, answer 503 with an error, not {response.status_code}"
    )
    assert "error" in response.json()
    waits = waits_between(api)
    growth = [round(later - earlier, 3) for earlier, later in pairwise(waits)]
    assert all(step > 0 for step in growth) and growth[1] > growth[0], (
        f"the waits between tries were {waits} s: each grew by {growth} s, a step that does "
        "not grow — backoff that adds a fixed step is linear; double the wait before each "
        "next try, so each step is bigger than the last"
    )
    lingered = answered_at - api.call_times[-1]
    assert lingered < BACKOFF, (
        f"the view waited {lingered:.1f} s after its last attempt before giving up — after the "
        "last attempt there is nothing left to wait for"
    )


async def test_an_api_that_answers_at_once_is_called_once(client, upstream):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST, latency=0.01)

    response = await client.get("/")

    assert (api.calls, response.json()) == (1, FORECAST)
