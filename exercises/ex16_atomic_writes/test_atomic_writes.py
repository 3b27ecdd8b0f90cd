"""The spec of exercise 16. Run it alone with `pytest exercises/ex16_atomic_writes`."""

import contextlib

import pytest
from asgiref.sync import sync_to_async
from django.db import IntegrityError

# The async ORM runs each query in a worker thread with a connection of its
# own: the test's rows must be committed for that connection to see them.
pytestmark = pytest.mark.django_db(transaction=True)

STOCK = {"Kettle": 10, "Teapot": 10, "Toaster": 10}
QUANTITIES = {"Kettle": 2, "Teapot": 1, "Toaster": 3}


@pytest.fixture
def models(exercise_urlconf: str):
    """The exercise's models, imported once the harness checked that its code imports."""
    from exercises.ex16_atomic_writes import models

    return models


@pytest.fixture
def order(models) -> dict:
    """An order for three products, each in stock."""
    products = {
        name: models.Product.objects.create(name=name, stock=n) for name, n in STOCK.items()
    }
    lines = [{"product": products[name].pk, "quantity": n} for name, n in QUANTITIES.items()]
    return {"customer": "Ana", "lines": lines}


def written(models) -> dict:
    """What the database holds now: orders, lines and each product's stock."""
    return {
        "orders": models.Order.objects.count(),
        "lines": models.OrderLine.objects.count(),
        "stock": dict(models.Product.objects.values_list("name", "stock")),
    }


async def test_an_order_is_placed_with_all_its_lines(client, models, order):
    response = await client.post("/", order)

    assert response.status_code == 201
    assert await sync_to_async(written)(models) == {
        "orders": 1,
        "lines": 3,
        "stock": {name: STOCK[name] - QUANTITIES[name] for name in STOCK},
    }


@pytest.fixture
def third_line_refused(order, queries):
    """The database refuses the order's third line (its toasters), whichever way the view
    writes the lines: one INSERT each, or one for all (`bulk_create`)."""
    toaster = order["lines"][2]["product"]
    queries.refuse("ex16_atomic_writes_orderline", f"NEW.product_id = {toaster}")
    return queries


async def test_a_failure_midway_leaves_nothing_written(client, models, order, third_line_refused):
    with contextlib.suppress(IntegrityError):  # an error page is a fair answer here
        await client.post("/", order)

    left = await sync_to_async(written)(models)
    assert third_line_refused.refused, (
        "the database was set to refuse the order's third line (3 toasters), but the view "
        f"never wrote it, and the database holds {left['lines']} line(s): write every line "
        "of the order"
    )
    changed = [name for name, stock in left["stock"].items() if stock != STOCK[name]]
    assert left == {"orders": 0, "lines": 0, "stock": STOCK}, (
        f"the database refused the order's third line, and {left['orders']} order(s), "
        f"{left['lines']} line(s) and the stock of {len(changed)} product(s) stayed written "
        "— a failure midway must leave nothing: do the writes in one plain function under "
        "`@transaction.atomic`, called with `await sync_to_async(...)(...)`"
    )
