"""The spec of exercise 22. Run it alone with `pytest exercises/ex22_stream_disconnect`.

Tests run on a fake loop clock: the stream's intervals and the API's latency
cost no real time, and "later" is exact.
"""

import asyncio

from course.events import events_in
from course.weather import FORECAST_URL

FORECAST = {"city": "Braga", "temperature": 14, "sky": "cloudy"}
INTERVAL = 2.0  # as views.py ships it
LATENCY = 1.0  # seconds the API takes to answer


def forecasts_in(body: bytes) -> list:
    return [data for _name, data in events_in(body)]


async def test_a_forecast_arrives_every_interval(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST, latency=LATENCY)

    response = await client.leave_after(2 * INTERVAL + 2 * LATENCY, "/")

    assert response is not None and response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    forecasts = forecasts_in(response.content)
    assert len(forecasts) >= 2, f"in {2 * INTERVAL + 2 * LATENCY:g} s, {len(forecasts)} event(s)"
    assert forecasts[0] == {**FORECAST, "watching": 1}


async def test_a_visitor_who_leaves_stops_the_polling(client, upstream, tasks):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST, latency=LATENCY)

    # Leave while the second call to the API is on its way.
    await client.leave_after(INTERVAL + 1.5 * LATENCY, "/")
    calls = api.calls
    await asyncio.sleep(5 * INTERVAL)

    assert api.calls == calls, (
        f"the visitor left, but the API was asked {api.calls - calls} more time(s) in the next "
        f"{5 * INTERVAL:g} s — something the stream started goes on polling for nobody; poll "
        "in the stream itself, or cancel what it started when it ends (`finally:`)"
    )
    assert api.cancelled == 1, (
        "the visitor left while the stream waited for the API, but that call went on — let "
        "the cancellation stop it"
    )
    await tasks.assert_none_left()


async def test_a_visitor_who_left_is_counted_out(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST, latency=LATENCY)

    await client.leave_after(LATENCY + 0.5, "/")
    response = await client.leave_after(LATENCY + 0.5, "/")

    assert response is not None
    watching = [forecast.get("watching") for forecast in forecasts_in(response.content)]
    assert watching[:1] == [1], (
        f"a visitor alone was told {watching[:1]} watching: the visitor who left before was "
        "never counted out — count out in `finally:`, which runs when the stream is cancelled"
    )
