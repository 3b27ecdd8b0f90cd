"""The weather API the chapter-1 exercises talk to.

It is a real httpx client; in tests, respx answers in place of the remote
host (nothing leaves the machine). To try the views by hand, run the local
stand-in (`python -m course.fake_api`) and point the course at it with
`AWAITLINGS_API=http://127.0.0.1:8001`. Learners read this file, they
do not edit it.
"""

import os

import httpx

from course.clients import TLS

API = os.environ.get("AWAITLINGS_API", "https://weather.example")
FORECAST_URL = f"{API}/forecast"


async def fetch_forecast() -> dict:
    """Ask the weather API for today's forecast. Slow: it goes over the network."""
    async with httpx.AsyncClient(timeout=10, verify=TLS) as client:
        response = await client.get(FORECAST_URL)
        response.raise_for_status()
        return response.json()
