"""The spec of exercise 20. Run it alone with `pytest exercises/ex20_async_class_view`."""

from course.weather import FORECAST_URL

FORECAST = {"city": "Braga", "temperature": 14, "sky": "cloudy"}


async def test_the_forecast_is_answered(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == FORECAST


async def test_five_forecasts_are_served_side_by_side(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)
    upstream.hold_until_in_flight(5)

    await client.concurrently(5, "/")

    upstream.assert_in_flight_at_once(
        5, reason="the requests waited for the API one after another; await the call"
    )


async def test_a_visitor_subscribes_by_email(client):
    response = await client.post("/", {"email": "ana@example.com"})

    assert response.status_code == 201, (
        f"a subscription got {response.status_code} {response.content[:200]!r}, not 201"
    )
    assert response.json() == {"subscribed": "ana@example.com"}


async def test_an_address_without_an_at_is_refused(client):
    response = await client.post("/", {"email": "ana"})

    assert response.status_code == 400
    assert response.json() == {"error": "an email address, please"}
