"""The spec of exercise 07. Run it alone with `pytest exercises/ex07_gather_fanout`."""

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL

WEATHER = {"city": "Lisbon", "sky": "clear"}
NEWS = {"headline": "Async views ship"}
STOCKS = {"AWAIT": 42.0}


def serve_the_three_apis(upstream, latency=0.5):
    for url, payload in [(WEATHER_URL, WEATHER), (NEWS_URL, NEWS), (STOCKS_URL, STOCKS)]:
        upstream.endpoint(url, json=payload, latency=latency)


async def test_the_dashboard_combines_the_three_answers(client, upstream):
    serve_the_three_apis(upstream)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == {"weather": WEATHER, "news": NEWS, "stocks": STOCKS}


async def test_the_three_calls_are_in_flight_at_once(client, upstream):
    serve_the_three_apis(upstream)
    upstream.hold_until_in_flight(3)

    await client.get("/")

    upstream.assert_in_flight_at_once(
        3,
        reason="the view waited for each call before starting the next; start all three, "
        "then await them together",
    )
