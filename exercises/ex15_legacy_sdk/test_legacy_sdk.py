"""The spec of exercise 15. Run it alone with `pytest exercises/ex15_legacy_sdk`."""

import pytest

from exercises.ex15_legacy_sdk.parcels import TRACK_URL

# The lesson runs the SDK's blocking calls in worker threads on purpose.
pytestmark = pytest.mark.threads_may_wait

IDS = ["A1", "B2", "C3"]


def status_of(parcel_id: str) -> dict:
    return {"id": parcel_id, "status": f"{parcel_id} is out for delivery"}


def status(request) -> dict:
    """The carrier's answer for the parcel named at the end of the URL."""
    return status_of(str(request.url).rsplit("/", 1)[1])


async def test_every_parcel_is_tracked_in_order(client, upstream):
    upstream.endpoint(TRACK_URL, json=status, prefix=True)

    response = await client.get(f"/?ids={','.join(IDS)}")

    assert response.status_code == 200
    assert response.json() == {"parcels": [status_of(parcel_id) for parcel_id in IDS]}


async def test_the_sdk_calls_are_in_flight_at_once(client, upstream):
    upstream.endpoint(TRACK_URL, json=status, prefix=True)
    upstream.hold_until_in_flight(len(IDS))

    await client.get(f"/?ids={','.join(IDS)}")

    upstream.assert_in_flight_at_once(
        len(IDS),
        reason="the SDK's calls ran one after another — start each in a worker thread of its "
        "own and wait for all of them: `asyncio.gather(*(asyncio.to_thread(...) ...))` "
        "(`sync_to_async` with the default `thread_sensitive=True` runs the calls of one "
        "request in one thread, one after another)",
    )
