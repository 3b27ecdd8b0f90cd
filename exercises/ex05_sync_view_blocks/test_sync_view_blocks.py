"""The spec of exercise 05. Run it alone with `pytest exercises/ex05_sync_view_blocks`."""

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
        5,
        reason="the requests queued up and were served one by one; under ASGI, sync views "
        "share one thread, so make the view and its HTTP call async",
    )
