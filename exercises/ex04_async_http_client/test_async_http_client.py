"""The spec of exercise 04. Run it alone with `pytest exercises/ex04_async_http_client`."""

from course.weather import FORECAST_URL

FORECAST = {"city": "Faro", "temperature": 25, "sky": "sunny"}


async def test_returns_the_forecast(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == FORECAST


async def test_five_requests_wait_for_the_api_together(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)
    upstream.hold_until_in_flight(5)

    await client.concurrently(5, "/")

    upstream.assert_in_flight_at_once(
        5, reason="each request's API call waited for the previous one to finish"
    )
