"""The three APIs behind the chapter-2 dashboard: weather, news and stocks.

Each helper asks one API and returns its JSON. They are independent of each
other, which is the point of exercise 07. In tests, respx answers in place
of the remote hosts; to try the views by hand, run `python -m course.fake_api`
and set `AWAITLINGS_API=http://127.0.0.1:8001`.
"""

import os

import httpx

from course.clients import TLS

API = os.environ.get("AWAITLINGS_API", "https://dashboard.example")
WEATHER_URL = f"{API}/weather"
NEWS_URL = f"{API}/news"
STOCKS_URL = f"{API}/stocks"


async def fetch_json(url: str) -> dict:
    async with httpx.AsyncClient(timeout=10, verify=TLS) as client:
        response = await client.get(url)
        response.raise_for_status()
        return response.json()


async def fetch_weather() -> dict:
    return await fetch_json(WEATHER_URL)


async def fetch_news() -> dict:
    return await fetch_json(NEWS_URL)


async def fetch_stocks() -> dict:
    return await fetch_json(STOCKS_URL)
