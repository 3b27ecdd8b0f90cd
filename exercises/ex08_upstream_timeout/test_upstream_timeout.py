"""The spec of exercise 08. Run it alone with `pytest exercises/ex08_upstream_timeout`.

Tests run on a fake loop clock: waiting for a deadline costs no real time.
"""

import asyncio

from course.weather import FORECAST_URL

FORECAST = {"city": "Coimbra", "temperature": 19, "sky": "windy"}
DEADLINE = 2.0  # as shipped in views.py; the spec's own copy


async def test_an_api_that_answers_in_time_gives_the_forecast(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST, latency=1.0)

    response = await client.get("/", within=10)

    assert response.status_code == 200
    assert response.json() == FORECAST


async def test_an_api_that_never_answers_gives_504_by_the_deadline(client, upstream, tasks):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST, latency=None)
    loop = asyncio.get_running_loop()
    started = loop.time()

    response = await client.get(
        "/",
        within=3 * DEADLINE,
        if_it_raises="the view let its error escape (a 500 for the visitor) — catch the "
        "deadline's TimeoutError and answer 504 Gateway Timeout",
    )

    took = loop.time() - started
    assert response.status_code == 504, (
        f"when the API does not answer in time, answer 504 Gateway Timeout, "
        f"not {response.status_code}"
    )
    assert took <= DEADLINE + 0.5, (
        f"the view answered after {took:.1f} s; its deadline is {DEADLINE} s"
    )
    assert api.in_flight == 0, (
        "the view answered 504 but left its call to the API running — a deadline must end "
        "the call (`asyncio.timeout` cancels it)"
    )
    await tasks.assert_none_left()


async def test_a_visitor_who_leaves_before_the_deadline_stops_the_wait(client, upstream, tasks):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST, latency=None)

    await client.leave_after(DEADLINE / 2, "/")

    assert api.cancelled == 1, "the visitor left, but the view's call to the API went on"
    await tasks.assert_none_left()
