"""The local fake API learners run by hand: it misbehaves exactly as asked.

Driven in-process over ASGI (no server, no port); fake loop time makes its
latencies cost nothing.
"""

import argparse
import asyncio
import re

import httpx
import pytest

from course.fake_api import (
    ANSWERS,
    Behaviour,
    DroppedOnPurpose,
    answer_for,
    clock_time,
    make_app,
    path_and_value,
)


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


PATHS = [*ANSWERS, "/prices/7", "/track/A1", "/a/forecast", "/b/forecast"]


def shape(answer: object) -> object:
    """The answer's keys and value types, nested."""
    if isinstance(answer, dict):
        return {key: shape(value) for key, value in answer.items()}
    return type(answer)


@pytest.mark.parametrize("path", PATHS)
def test_a_salt_changes_every_answers_values_but_not_its_shape(path):
    # The grader salts its fake API: a view shows the answer only by asking for it.
    plain = answer_for(path)
    salted = [answer_for(path, salt) for salt in ("one salt", "another", "a third")]
    assert plain is not None and plain == answer_for(path, "")
    assert all(shape(answer) == shape(plain) for answer in salted)
    assert all(answer != plain for answer in salted)
    assert len({repr(answer) for answer in salted}) == len(salted)
    assert answer_for(path, "one salt") == salted[0]  # the same salt, the same answer


def test_the_salted_mirrors_give_one_forecast_and_their_own_name():
    a, b = answer_for("/a/forecast", "salt"), answer_for("/b/forecast", "salt")
    assert (a.pop("mirror"), b.pop("mirror")) == ("a", "b")
    assert a == b


async def test_salted_each_call_answers_anew():
    # The grader's fake API: a reply is traced to the very call whose answer it carries.
    app = make_app(Behaviour(latency=0, salt="salt"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        answers = [(await client.get("/news")).json() for _ in range(3)]
    assert answers == [answer_for("/news", f"salt {number}") for number in range(3)]
    assert len({answer["headline"] for answer in answers}) == 3


NOON = "12:00:00.000"


def client_of(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fake")


async def test_each_line_says_when_and_how_many_calls_were_in_flight():
    # By hand, exercise 07's fan-out and exercise 10's limit show in these numbers.
    lines: list[str] = []
    app = make_app(Behaviour(latency=1), report=lines.append, clock=lambda: NOON)
    async with client_of(app) as client:
        await asyncio.gather(*(client.get("/news") for _ in range(3)))  # together
        for _ in range(2):  # one after another
            await client.get("/stocks")
    assert lines == [
        f"{NOON} GET /news answered 200 after 1.00 s (3 in flight)",
        f"{NOON} GET /news answered 200 after 1.00 s (2 in flight)",
        f"{NOON} GET /news answered 200 after 1.00 s (1 in flight)",
        f"{NOON} GET /stocks answered 200 after 1.00 s (1 in flight)",
        f"{NOON} GET /stocks answered 200 after 1.00 s (1 in flight)",
    ]


async def test_a_call_stopped_midway_leaves_the_count_of_calls_in_flight():
    # Over ASGI here the call itself is cancelled (under uvicorn the caller's leaving shows).
    lines: list[str] = []
    app = make_app(
        Behaviour(latency=1, hang={"/forecast"}), report=lines.append, clock=lambda: NOON
    )
    async with client_of(app) as client:
        hanging = asyncio.ensure_future(client.get("/forecast"))
        await client.get("/news")
        hanging.cancel()
        await asyncio.gather(hanging, return_exceptions=True)
        await client.get("/news")
    assert lines == [
        f"{NOON} GET /news answered 200 after 1.00 s (2 in flight)",
        f"{NOON} GET /news answered 200 after 1.00 s (1 in flight)",
    ]


def test_lines_start_with_the_time_of_day_to_the_millisecond():
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}", clock_time())
