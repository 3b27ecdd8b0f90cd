"""The spec of exercise 04. Run it alone with `pytest exercises/ex04_async_http_client`."""

import aiohttp
import httpx

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


def is_open(client) -> bool:
    return not (client.is_closed if isinstance(client, httpx.AsyncClient) else client.closed)


async def test_a_client_made_for_a_request_is_closed_by_its_end(client, upstream, made_by_learner):
    upstream.endpoint(FORECAST_URL, json=FORECAST)
    clients_made = made_by_learner(httpx.AsyncClient, aiohttp.ClientSession)

    await client.get("/")
    await client.get("/")

    # One client kept open for every request (made on first use) is fine: one per request is not.
    open_at = [str(where) for made, where in clients_made if is_open(made)]
    assert len(open_at) < 2, (
        f"two requests left {len(open_at)} HTTP clients open, made at {open_at[0]}: a client "
        "made for a request and never closed keeps its connections to the API, and under a "
        "server they pile up, request after request — use `async with httpx.AsyncClient() as "
        "client:`, or one client for the whole process, made once"
    )
