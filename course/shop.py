"""The price API behind exercise 10: one call per product, at most `LIMIT` at once.

Like many real APIs, it allows only a few calls in flight per client; past
that it would answer 429 Too Many Requests. In tests, respx answers in place
of the remote host and counts the calls in flight.
"""

import os

import httpx

from course.clients import TLS

API = os.environ.get("AWAITLINGS_API", "https://shop.example")
PRICES_URL = f"{API}/prices/"
LIMIT = 5  # calls the price API allows in flight at once


async def fetch_price(product_id: int) -> dict:
    async with httpx.AsyncClient(timeout=10, verify=TLS) as client:
        response = await client.get(f"{PRICES_URL}{product_id}")
        response.raise_for_status()
        return response.json()
