"""The spec of exercise 03. Run it alone with `pytest exercises/ex03_blocking_sleep`.

Tests run on a fake loop clock: `asyncio.sleep()` costs no real time, and the
loop's clock says how long the requests took from the server's point of view.
"""

import asyncio

# As shipped in views.py; the tests keep their own copy, so that the time the
# kitchen needs is the spec's, not whatever the file under test says.
PREPARATION_TIME = 0.2


async def test_an_order_is_ready_after_its_preparation_time(client):
    loop = asyncio.get_running_loop()
    started = loop.time()

    response = await client.get("/")

    took = loop.time() - started
    assert response.status_code == 200
    assert response.json() == {"order": "ready"}
    assert took >= PREPARATION_TIME, (
        f"the order was ready after {took:.1f} s, but the kitchen needs {PREPARATION_TIME} s "
        "— pause for it with `await asyncio.sleep(PREPARATION_TIME)`"
    )


async def test_five_orders_are_prepared_together(client):
    loop = asyncio.get_running_loop()
    started = loop.time()

    await client.concurrently(5, "/")

    took = loop.time() - started
    assert took < 3 * PREPARATION_TIME, (
        f"five requests that each wait {PREPARATION_TIME} s took {took:.1f} s together "
        "— they waited one after another instead of side by side"
    )
