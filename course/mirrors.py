"""Two mirrors of the weather API for exercise 12: same answer, different speed.

Which one is faster changes from moment to moment, so the view asks both and
takes the first answer.
"""

import os

import httpx

from course.clients import TLS

API = os.environ.get("AWAITLINGS_API", "https://mirrors.example")
MIRRORS = (f"{API}/a/forecast", f"{API}/b/forecast")


async def fetch_from(mirror: str) -> dict:
    async with httpx.AsyncClient(timeout=10, verify=TLS) as client:
        response = await client.get(mirror)
        response.raise_for_status()
        return response.json()
