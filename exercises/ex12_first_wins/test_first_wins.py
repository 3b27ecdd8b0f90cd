"""The spec of exercise 12. Run it alone with `pytest exercises/ex12_first_wins`.

Tests run on a fake loop clock: the slow mirror costs no real time.
"""

import asyncio

import pytest

from course.mirrors import MIRRORS

FAST, SLOW = 0.5, 5.0


@pytest.mark.parametrize("fast", [0, 1], ids=["first mirror fast", "second mirror fast"])
async def test_the_first_answer_wins_and_the_slower_call_is_cancelled(
    client, upstream, tasks, fast
):
    mirrors = [
        upstream.endpoint(url, json={"from": url}, latency=FAST if index == fast else SLOW)
        for index, url in enumerate(MIRRORS)
    ]
    loop = asyncio.get_running_loop()
    started = loop.time()

    response = await client.get("/", within=30)

    took = loop.time() - started
    assert [mirror.calls for mirror in mirrors] == [1, 1], "ask both mirrors, once each"
    assert response.json() == {"from": MIRRORS[fast]}, "answer with the first answer to arrive"
    assert took < SLOW, f"the view took {took:.1f} s: it waited for the slower mirror"
    assert mirrors[1 - fast].cancelled == 1, (
        "the slower mirror's call was still running after the view answered — cancel it"
    )
    await tasks.assert_none_left()


async def test_a_visitor_who_leaves_stops_every_call(client, upstream, tasks):
    mirrors = [upstream.endpoint(url, json={"from": url}, latency=None) for url in MIRRORS]

    await client.leave_after(1, "/")

    assert all(mirror.cancelled == mirror.calls for mirror in mirrors), (
        "the visitor left, but a call to a mirror went on — cancel the calls when the view "
        "is cancelled too (a TaskGroup does, or `try`/`finally`)"
    )
    await tasks.assert_none_left()
