"""The spec of exercise 21. Run it alone with `pytest exercises/ex21_streaming_events`.

Tests run on a fake loop clock: the APIs answer after their latencies in loop
time, and the client notes the loop time at which each piece of the body was
sent, so "before the last call ended" is exact, whatever the machine's load.
"""

from course.dashboard import NEWS_URL, STOCKS_URL, WEATHER_URL
from course.events import events_in

PARTS = {
    "weather": (WEATHER_URL, {"city": "Braga", "sky": "cloudy"}, 0.3),
    "news": (NEWS_URL, {"headline": "Async views ship"}, 0.1),
    "stocks": (STOCKS_URL, {"AWAIT": 42.0}, 0.2),
}
CONSUMES_SYNC = "StreamingHttpResponse must consume synchronous iterators"


def serve_the_apis(upstream) -> list:
    return [
        upstream.endpoint(url, json=data, latency=latency) for url, data, latency in PARTS.values()
    ]


async def test_every_part_arrives_as_an_event(client, upstream):
    serve_the_apis(upstream)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert dict(events_in(response.content)) == {name: data for name, (_, data, _) in PARTS.items()}


async def test_the_first_event_arrives_before_the_last_call_ends(client, upstream, recwarn):
    endpoints = serve_the_apis(upstream)

    response = await client.get("/")

    first_sent = response.pieces[0][0]
    last_answer = max(end for endpoint in endpoints for _, end in endpoint.spans)
    if first_sent < last_answer:
        return
    if any(CONSUMES_SYNC in str(warning.message) for warning in recwarn):
        why = (
            "the view gave StreamingHttpResponse a sync iterator, which Django, under ASGI, "
            f"reads whole in a worker thread before sending (it warns: “{CONSUMES_SYNC}”) — "
            "give it an async generator: an `async def` with `yield`"
        )
    else:
        why = (
            "the view built the whole body before sending it — stream it: a "
            "`StreamingHttpResponse` over an async generator that yields each event"
        )
    raise AssertionError(
        f"the first event left at {first_sent:.2f} s, once the last API call had ended "
        f"({last_answer:.2f} s): {why}"
    )


async def test_the_three_calls_are_in_flight_together(client, upstream):
    serve_the_apis(upstream)
    upstream.hold_until_in_flight(3)

    await client.get("/")

    upstream.assert_in_flight_at_once(
        3, reason="the view waited for each API before asking the next; start all three at once"
    )
