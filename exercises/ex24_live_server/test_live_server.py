"""The spec of exercise 24. Run it alone with `pytest exercises/ex24_live_server`.

The first two tests call the view in-process, as every exercise's tests do.
The last one serves the whole course with uvicorn, as in production, in
front of the course's fake APIs on 127.0.0.1, and sends twenty visitors at
once (`course/testing/live.py`): it takes a few seconds.
"""

import pytest

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL
from course.testing.live import assert_visitors_wait_side_by_side, live_course
from exercises.ex24_live_server.scenario import APIS, LATENCY, PATH, VISITORS

WEATHER = {"city": "Lisbon", "sky": "clear"}
NEWS = {"headline": "Async views ship"}
STOCKS = {"AWAIT": 42.0}


def serve_the_three_apis(upstream):
    for url, payload in [(WEATHER_URL, WEATHER), (NEWS_URL, NEWS), (STOCKS_URL, STOCKS)]:
        upstream.endpoint(url, json=payload, latency=LATENCY)


async def test_the_dashboard_shows_the_three_answers(client, upstream):
    serve_the_three_apis(upstream)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == {"weather": WEATHER, "news": NEWS, "stocks": STOCKS}


async def test_a_visitors_three_calls_are_in_flight_at_once(client, upstream):
    serve_the_three_apis(upstream)
    upstream.hold_until_in_flight(3)

    await client.get("/")

    upstream.assert_in_flight_at_once(
        3,
        reason="the view waited for each call before starting the next: start all three, then "
        "await them together (`asyncio.gather`)",
    )


@pytest.mark.timeout(120)
def test_twenty_visitors_at_once_wait_side_by_side_on_a_real_server(tmp_path):
    with live_course(tmp_path, LATENCY) as server:
        assert_visitors_wait_side_by_side(server, PATH, VISITORS, APIS, LATENCY)
