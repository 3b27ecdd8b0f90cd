"""The spec of exercise 03. Run it alone with `pytest exercises/ex03_blocking_sleep`.

Tests run on a fake loop clock: `asyncio.sleep()` costs no real time, and the
loop's clock says how long the requests took from the server's point of view.
"""

import asyncio


async def test_says_the_order_is_ready(client):
    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == {"order": "ready"}


async def test_five_orders_are_prepared_together(client):
    from exercises.ex03_blocking_sleep.views import (
        PREPARATION_TIME,
    )  # after `client` checked it imports

    loop = asyncio.get_running_loop()
    started = loop.time()

    await client.concurrently(5, "/")

    took = loop.time() - started
    assert took < 3 * PREPARATION_TIME, (
        f"five requests that each wait {PREPARATION_TIME} s took {took:.1f} s together "
        "— they waited one after another instead of side by side"
    )
