"""The spec of exercise 09. Run it alone with `pytest exercises/ex09_partial_failure`."""

import httpx
import pytest

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL

WEATHER = {"city": "Lisbon", "sky": "clear"}
STOCKS = {"AWAIT": 42.0}
UNAVAILABLE = {"error": "unavailable"}

FAILURES = {
    "an error page": {"status": 500, "latency": 0.1},
    "a refused connection": {"error": httpx.ConnectError, "latency": 0.1},
    "no answer in time": {"latency": None},  # the client's own 10 s timeout ends it
}


@pytest.mark.parametrize("failure", FAILURES, ids=list(FAILURES))
async def test_one_failing_api_leaves_the_others_on_the_page(client, upstream, tasks, failure):
    weather = upstream.endpoint(WEATHER_URL, json=WEATHER, latency=0.5)
    stocks = upstream.endpoint(STOCKS_URL, json=STOCKS, latency=1.0)
    upstream.endpoint(NEWS_URL, json={}, **FAILURES[failure])
    upstream.hold_until_in_flight(3)

    response = await client.get(
        "/",
        within=30,
        if_it_raises="one failing API took the whole page down — catch each call's failure "
        "and show UNAVAILABLE for it",
    )

    assert response.status_code == 200
    assert response.json() == {"weather": WEATHER, "news": UNAVAILABLE, "stocks": STOCKS}, (
        "the page must keep the parts that worked and show UNAVAILABLE for the one that failed"
    )
    for endpoint in (weather, stocks):
        assert endpoint.calls == 1 and endpoint.cancelled == 0
    upstream.assert_in_flight_at_once(
        3, reason="the view waited for each call before starting the next; keep them concurrent"
    )
    await tasks.assert_none_left()


async def test_with_every_api_up_the_page_is_whole(client, upstream):
    upstream.endpoint(WEATHER_URL, json=WEATHER)
    upstream.endpoint(NEWS_URL, json={"headline": "ok"})
    upstream.endpoint(STOCKS_URL, json=STOCKS)

    response = await client.get("/")

    assert response.json() == {"weather": WEATHER, "news": {"headline": "ok"}, "stocks": STOCKS}


async def test_a_visitor_who_leaves_stops_every_call(client, upstream, tasks):
    apis = [upstream.endpoint(url, latency=None) for url in (WEATHER_URL, NEWS_URL, STOCKS_URL)]

    await client.leave_after(1, "/")

    left_running = sum(api.calls - api.cancelled for api in apis)
    assert left_running == 0, (
        f"the visitor left, but {left_running} call(s) the view made went on — a cancelled "
        "view is not a failed call: catch `Exception`, not `BaseException`"
    )
    await tasks.assert_none_left()
