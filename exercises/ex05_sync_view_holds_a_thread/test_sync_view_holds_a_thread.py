"""The spec of exercise 05. Run it alone with `pytest exercises/ex05_sync_view_holds_a_thread`."""

from course.weather import FORECAST_URL

FORECAST = {"city": "Braga", "temperature": 14, "sky": "cloudy"}


async def test_returns_the_forecast(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == FORECAST


async def test_five_requests_are_served_together(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)
    upstream.hold_until_in_flight(5)

    await client.concurrently(5, "/")

    upstream.assert_in_flight_at_once(
        5, reason="the requests waited for the API one after another; await the call"
    )


async def test_a_visitor_who_leaves_stops_the_api_call(client, upstream, tasks):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST, latency=5)

    await client.leave_after(1, "/")

    assert api.cancelled == 1, (
        "the visitor left after 1 s, but the view's API call went on — an awaited call is "
        "cancelled with the request; a call blocked in a thread cannot be"
    )
    await tasks.assert_none_left()
