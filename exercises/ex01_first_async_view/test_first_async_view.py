"""The spec of exercise 01. Run it alone with `pytest exercises/ex01_first_async_view`."""

from asgiref.sync import iscoroutinefunction
from django.urls import resolve

from course.weather import FORECAST_URL

FORECAST = {"city": "Lisbon", "temperature": 21, "sky": "clear"}


async def test_the_view_is_async(exercise_urlconf):
    view = resolve("/").func
    assert iscoroutinefunction(view), (
        "the forecast view is a plain `def`, so Django runs it in a worker thread that "
        "sits blocked while the API answers — declare it with `async def`"
    )


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
        5,
        reason="the requests waited for the API one after another; an `async def` view that "
        "awaits the call lets the loop start the next request's call while it waits",
    )
