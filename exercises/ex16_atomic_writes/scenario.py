"""Outside check of exercise 16: an order is written whole, and an order whose third line the
database refuses leaves nothing written, as the grader reads the database itself."""

import sqlite3

from grader.sealed.grade import rows_of
from grader.sealed.scenario import Scenario
from grader.sealed.site import Site

PATH = "/atomic_writes/"
# The shelf, id: (name, stock): a product for each line of the two orders below.
SHELF = {
    1: ("Kettle", 10),
    2: ("Teapot", 10),
    3: ("Toaster", 10),
    4: ("Grill", 10),
    5: ("Ladle", 2),
}
ROWS = (
    "from exercises.ex16_atomic_writes.models import Product\n"
    f"for pk, (name, stock) in {SHELF!r}.items():\n"
    "    Product.objects.create(pk=pk, name=name, stock=stock)\n"
)
WHOLE_ORDER = [(1, 2), (2, 1), (3, 3)]  # (product id, quantity), each in stock
# Ladles twice: each line alone is in stock, so checking the stock first lets the order
# through, and the database refuses the third line's stock update (below zero) midway.
HALF_ORDER = [(4, 1), (5, 2), (5, 1)]


def order(customer: str, lines: list[tuple[int, int]]) -> dict:
    return {
        "customer": customer,
        "lines": [{"product": pk, "quantity": quantity} for pk, quantity in lines],
    }


def name(pk: int) -> str:
    return SHELF[pk][0] if pk in SHELF else f"product #{pk}"


def lines_of(lines: list[tuple[int, int]]) -> str:
    """`[(4, 1), (5, 2)]` → `1 Grill, 2 Ladle`."""
    return ", ".join(f"{quantity} {name(pk)}" for pk, quantity in lines)


def written(site: Site, customer: str, products: set[int]) -> str:
    """The orders of `customer` and the stock of `products`, as the grader reads the database."""
    database = site.home / "db.sqlite3"
    rows = rows_of(
        database,
        "SELECT o.id, l.product_id, l.quantity FROM ex16_atomic_writes_order o"
        " LEFT JOIN ex16_atomic_writes_orderline l ON l.order_id = o.id"
        f" WHERE o.customer = '{customer}' ORDER BY o.id, l.id",
    )
    orders: dict[int, list[tuple[int, int]]] = {}
    for pk, product, quantity in rows:
        orders.setdefault(pk, []).extend([(product, quantity)] if product is not None else [])
    stock = rows_of(database, "SELECT id, stock FROM ex16_atomic_writes_product ORDER BY id")
    return stated(list(orders.values()), {pk: left for pk, left in stock if pk in products})


def stated(orders: list[list[tuple[int, int]]], stock: dict[int, int]) -> str:
    """`an order of 1 Grill, 2 Ladle; stock: Grill 9, Ladle 0` (or `no order; stock: …`)."""
    placed = "; ".join(f"an order of {lines_of(lines)}" for lines in orders) or "no order"
    return f"{placed}; stock: {', '.join(f'{name(pk)} {left}' for pk, left in stock.items())}"


def after(lines: list[tuple[int, int]]) -> dict[int, int]:
    """The stock of each product of `lines` once they are taken from the shelf."""
    stock = {pk: SHELF[pk][1] for pk, _ in lines}
    for pk, quantity in lines:
        stock[pk] -= quantity
    return stock


def check(site: Site) -> list[str]:
    try:
        return placed_whole_or_not_at_all(site)
    except sqlite3.Error as error:  # the server's database is the learner server's file
        return [f"the grader could not read the server's database: {error}"]


def placed_whole_or_not_at_all(site: Site) -> list[str]:
    placed = site.request("POST", PATH, json=order("Ana", WHOLE_ORDER))
    answer = placed.json()
    if placed.status != 201 or not isinstance(answer, dict) or list(answer) != ["order"]:
        return [f'{PATH} answered {placed.shown()} to an order instead of 201 {{"order": <id>}}']
    whole = stated([WHOLE_ORDER], after(WHOLE_ORDER))
    found = written(site, "Ana", {pk for pk, _ in WHOLE_ORDER})
    if found != whole:
        return [
            f"after Ana's order of {lines_of(WHOLE_ORDER)} was answered 201, the database holds "
            f"{found} instead of {whole}"
        ]
    refused = site.request("POST", PATH, json=order("Bea", HALF_ORDER))
    untouched = stated([], after([(pk, 0) for pk, _ in HALF_ORDER]))
    found = written(site, "Bea", {pk for pk, _ in HALF_ORDER})
    if found != untouched:
        return [
            f"the database refused the third line of Bea's order of {lines_of(HALF_ORDER)} (one "
            f"ladle more than the {SHELF[5][1]} in stock), yet it holds {found} (before: "
            f"{untouched}): a failure midway must leave nothing written"
        ]
    if refused.status is not None and refused.status < 300:
        return [f"{PATH} answered {refused.shown()} to an order the database refused"]
    return []


SCENARIO = Scenario(check=check, rows=ROWS)
