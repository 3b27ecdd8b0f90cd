"""The spec of exercise 08. Run it alone with `pytest exercises/ex08_upstream_timeout`.

Tests run on a fake loop clock: waiting for a deadline costs no real time.
"""

import asyncio

import pytest

from course.weather import FORECAST_URL

FORECAST = {"city": "Coimbra", "temperature": 19, "sky": "windy"}


async def test_an_api_that_answers_in_time_gives_the_forecast(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST, latency=1.0)

    response = await client.get("/", within=10)

    assert response.status_code == 200
    assert response.json() == FORECAST


async def test_an_api_that_never_answers_gives_504_by_the_deadline(client, upstream):
    from exercises.ex08_upstream_timeout.views import DEADLINE  # after `client` checked it imports

    upstream.endpoint(FORECAST_URL, json=FORECAST, latency=None)
    loop = asyncio.get_running_loop()
    started = loop.time()

    try:
        response = await client.get("/", within=3 * DEADLINE)
    except TimeoutError:
        pytest.fail(
            "the deadline passed, but the view let TimeoutError escape (a 500 for the "
            "visitor) — catch it and answer 504 Gateway Timeout",
            pytrace=False,
        )

    took = loop.time() - started
    assert response.status_code == 504, (
        f"when the API does not answer in time, answer 504 Gateway Timeout, "
        f"not {response.status_code}"
    )
    assert took <= DEADLINE + 0.5, (
        f"the view answered after {took:.1f} s; its deadline is {DEADLINE} s"
    )
