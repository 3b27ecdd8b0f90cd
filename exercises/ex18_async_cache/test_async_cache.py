"""The spec of exercise 18. Run it alone with `pytest exercises/ex18_async_cache`."""

import pickle
import time
from pathlib import Path

from django.conf import settings

from course.weather import FORECAST_URL

FORECAST = {"city": "Braga", "temperature": 14, "sky": "cloudy"}
TTL = 60  # the README's "for a minute"; the test's own copy


async def test_returns_the_forecast(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == FORECAST


async def test_the_second_request_is_served_from_the_cache(client, upstream):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST)

    first = await client.get("/")
    second = await client.get("/")

    assert first.json() == second.json() == FORECAST
    assert api.calls == 1, (
        f"two requests called the weather API {api.calls} times — the second must be "
        "served from the cache: `await cache.aget(...)` first, and on a miss "
        "`await cache.aset(..., timeout=TTL)`"
    )


def expiries() -> list[float | None]:
    """When each entry of the (file-based) cache expires; None for never."""
    folder = Path(settings.CACHES["default"]["LOCATION"])
    expiry = []
    for entry in folder.glob("*.djcache"):
        with entry.open("rb") as data:
            expiry.append(pickle.load(data))
    return expiry


async def test_the_cached_forecast_expires_within_a_minute(client, upstream):
    upstream.endpoint(FORECAST_URL, json=FORECAST)

    await client.get("/")

    kept = expiries()
    assert kept, (
        "nothing was kept in Django's cache — keep the forecast with `await cache.aset(...)` "
        "(a dict of your own never expires, and each server process would have its own)"
    )
    assert all(expiry is not None and expiry <= time.time() + TTL for expiry in kept), (
        "the forecast is kept longer than a minute (or forever) — tomorrow's visitors would "
        "get today's weather: give it `timeout=TTL`"
    )


async def test_once_the_entry_expires_the_api_is_asked_again(client, upstream, monkeypatch):
    api = upstream.endpoint(FORECAST_URL, json=FORECAST)

    await client.get("/")
    a_minute_later = time.time() + TTL + 1
    monkeypatch.setattr(time, "time", lambda: a_minute_later)  # Django's expiry reads it
    response = await client.get("/")

    assert response.json() == FORECAST
    assert api.calls == 2, (
        "a minute after the forecast was cached, when Django's cache entry had expired, the "
        "next request was answered without asking the weather API — something else keeps "
        "the forecast, and never lets it go (a dict of your own in the module?): keep it "
        "only in Django's cache, with `timeout=TTL`"
    )
