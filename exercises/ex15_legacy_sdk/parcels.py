"""ParcelPost's Python SDK, as the carrier ships it (version 2.4).

Sync through and through: `track()` sends an HTTP request with `requests`
and blocks until the answer arrives. There is no async version, and it is
not yours to change.
"""

import os

import requests

API = os.environ.get("AWAITLINGS_API", "https://parcels.example")
TRACK_URL = f"{API}/track/"


def track(parcel_id: str) -> dict:
    """Where a parcel is: `{"id": "A1", "status": "out for delivery"}`."""
    response = requests.get(f"{TRACK_URL}{parcel_id}", timeout=10)
    response.raise_for_status()
    return response.json()
