"""The local fake API learners run by hand: it misbehaves exactly as asked.

Driven in-process over ASGI (no server, no port); fake loop time makes its
latencies cost nothing.
"""

import argparse
import asyncio

import httpx
import pytest

from course.fake_api import Behaviour, DroppedOnPurpose, make_app, path_and_value


async def get(behaviour: Behaviour, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=make_app(behaviour))
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        return await client.get(path)


async def test_every_path_answers_normally_by_default():
    response = await get(Behaviour(latency=1), "/forecast")
    assert (response.status_code, response.json()["city"]) == (200, "Lisbon")


async def test_the_parcel_carrier_answers_each_parcel_by_its_id_after_the_usual_latency():
    # Exercise 15's SDK calls /track/<id>: tried by hand, the views must get an answer.
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await get(Behaviour(latency=1), "/track/A1")
    assert loop.time() - started == pytest.approx(1, abs=0.1)
    assert (response.status_code, response.json()) == (
        200,
        {"id": "A1", "status": "A1 is out for delivery"},
    )
    assert (await get(Behaviour(latency=0), "/track/")).status_code == 404


async def test_a_busy_path_answers_503_the_given_number_of_times_then_normally():
    behaviour = Behaviour(busy={"/forecast": 2})
    statuses = [(await get(behaviour, "/forecast")).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


async def test_a_failing_path_answers_its_status_and_the_others_do_not():
    behaviour = Behaviour(fail={"/news": "500"})
    assert (await get(behaviour, "/news")).status_code == 500
    assert (await get(behaviour, "/stocks")).status_code == 200


async def test_a_path_set_to_close_breaks_the_connection_after_the_headers():
    # Under uvicorn the connection is dropped; over ASGI here, the error shows.
    with pytest.raises(DroppedOnPurpose):
        await get(Behaviour(fail={"/news": "close"}), "/news")


async def test_a_hanging_path_never_answers():
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(get(Behaviour(hang={"/forecast"}), "/forecast"), timeout=600)


async def test_a_slow_path_takes_its_own_time():
    loop = asyncio.get_running_loop()
    started = loop.time()
    await get(Behaviour(latency=1, slow={"/a/forecast": 5}), "/a/forecast")
    assert loop.time() - started == pytest.approx(5, abs=0.1)


@pytest.mark.parametrize("text", ["forecast=3", "/forecast", "/forecast="])
def test_path_options_must_read_path_equals_value(text):
    with pytest.raises(argparse.ArgumentTypeError, match="expected PATH=VALUE"):
        path_and_value(text)
