"""The spec of exercise 23. Run it alone with `pytest exercises/ex23_async_signals`.

The test listens too: a receiver of its own is connected to `order_placed`,
as any app of a project may connect one.
"""

from importlib import import_module

import pytest

from course.orders import MAILER_URL, WAREHOUSE_URL

ORDER = {"id": 7, "lines": [{"product": 1, "quantity": 2}]}


@pytest.fixture
def heard(exercise, exercise_urlconf):
    """The orders a receiver of the test's own heard of (an async one)."""
    signals = import_module(f"{exercise.package}.signals")
    orders = []

    async def listen(sender, order, **kwargs):
        orders.append(order)

    signals.order_placed.connect(listen, weak=False)
    yield orders
    signals.order_placed.disconnect(listen)


def serve_the_services(upstream):
    return [
        upstream.endpoint(url, method="POST", json=answer)
        for url, answer in ((WAREHOUSE_URL, {"receipt": 1001}), (MAILER_URL, {"receipt": 2002}))
    ]


async def test_an_order_is_told_to_everyone_who_listens(client, upstream, heard):
    warehouse, mailer = serve_the_services(upstream)

    response = await client.post("/", ORDER)

    assert response.status_code == 201
    assert response.json() == {"order": 7, "told": 3}, (
        "answer how many receivers heard of the order (the test listens too)"
    )
    assert (warehouse.calls, mailer.calls) == (1, 1), "tell the warehouse and the mailer once"
    assert heard == [ORDER], "send `order_placed` with the order: the test's receiver never heard"


async def test_the_receivers_work_side_by_side(client, upstream, heard):
    serve_the_services(upstream)
    upstream.hold_until_in_flight(2)

    await client.post("/", ORDER)

    upstream.assert_in_flight_at_once(
        2,
        reason="the receivers told their services one after another; make them async and "
        "send the signal with `await order_placed.asend(...)`",
    )
