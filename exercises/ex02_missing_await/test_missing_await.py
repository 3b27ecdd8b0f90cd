"""The spec of exercise 02. Run it alone with `pytest exercises/ex02_missing_await`."""

from course.weather import FORECAST_URL

FORECAST = {"city": "Porto", "temperature": 17, "sky": "drizzle"}


async def test_asks_the_weather_api(client, upstream):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST)

    await client.get("/")

    assert api.calls == 1, (
        f"the weather API was called {api.calls} times for one request; "
        "a coroutine runs only when it is awaited"
    )


async def test_returns_the_forecast(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == {"forecast": FORECAST}, (
        "the response must hold the forecast the API returned"
    )
