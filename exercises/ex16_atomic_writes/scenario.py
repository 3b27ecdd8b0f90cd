"""Outside check of exercise 16: an order is written whole, and an order whose third line the
database refuses leaves nothing written, as the grader reads the database itself.

A view that checks the stock before it writes refuses the order that runs out
of ladles before the database can, and may still write without a transaction.
So six more orders follow, alike but for their customer, and the database
(a trigger the grader puts in it) refuses the third line of some of them, as
a lost connection or a full disk would: which ones is drawn afresh for each
grading, and nothing in the orders tells them apart. Each refused order must
leave nothing written, and each other one must be written whole.
"""

import secrets
from collections import defaultdict

from course.testing.refusal import refusing
from grader.sealed.database import DatabaseTrouble, rows_of
from grader.sealed.scenario import Scenario
from grader.sealed.site import Site

PATH = "/atomic_writes/"
LINES = "ex16_atomic_writes_orderline"
# The shelf, id: (name, stock): a product for each line of the two orders below.
SHELF = {
    1: ("Kettle", 10),
    2: ("Teapot", 10),
    3: ("Toaster", 10),
    4: ("Grill", 10),
    5: ("Ladle", 2),
    6: ("Whisk", 10),
    7: ("Sieve", 10),
    8: ("Grater", 10),
}
ALIKE = [(6, 1), (7, 1), (8, 1)]  # the order of each of CUSTOMERS
CUSTOMERS = ("Cleo", "Dora", "Eli", "Fay", "Gus", "Hal")


def doomed_customers() -> tuple[str, ...]:
    """Some of CUSTOMERS, neither none nor all, drawn by the grader: a server cannot guess."""
    while True:
        drawn = tuple(customer for customer in CUSTOMERS if secrets.randbelow(2))
        if 0 < len(drawn) < len(CUSTOMERS):
            return drawn


DOOMED = doomed_customers()
# The database refuses the third line of a doomed customer's order, however the view writes it.
DOOMED_LINE = (
    f"NEW.product_id = {ALIKE[2][0]} AND (SELECT customer FROM ex16_atomic_writes_order"
    f" WHERE id = NEW.order_id) IN ({', '.join(repr(customer) for customer in DOOMED)})"
)
REFUSE = {vendor: refusing(vendor, LINES, DOOMED_LINE) for vendor in ("sqlite", "postgresql")}
ROWS = (
    "from django.db import connection\n"
    "from exercises.ex16_atomic_writes.models import Product\n"
    f"for pk, (name, stock) in {SHELF!r}.items():\n"
    "    Product.objects.create(pk=pk, name=name, stock=stock)\n"
    "with connection.cursor() as cursor:\n"
    f"    for statement in {REFUSE!r}[connection.vendor]:\n"
    "        cursor.execute(statement)\n"
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
    return stated(orders_of(site)[customer], stock_of(site, products))


def orders_of(site: Site) -> dict[str, list[list[tuple[int, int]]]]:
    """Each customer's orders, each a list of (product id, quantity), from the database."""
    rows = rows_of(
        site.database,
        "SELECT o.customer, o.id, l.product_id, l.quantity FROM ex16_atomic_writes_order o"
        " LEFT JOIN ex16_atomic_writes_orderline l ON l.order_id = o.id ORDER BY o.id, l.id",
    )
    orders: dict[str, dict[int, list[tuple[int, int]]]] = {}
    for customer, pk, product, quantity in rows:
        lines = orders.setdefault(customer, {}).setdefault(pk, [])
        lines.extend([(product, quantity)] if product is not None else [])
    return defaultdict(list, {customer: list(by_id.values()) for customer, by_id in orders.items()})


def stock_of(site: Site, products: set[int]) -> dict[int, int]:
    stock = rows_of(site.database, "SELECT id, stock FROM ex16_atomic_writes_product ORDER BY id")
    return {pk: left for pk, left in stock if pk in products}


def stated(orders: list[list[tuple[int, int]]], stock: dict[int, int]) -> str:
    """`an order of 1 Grill, 2 Ladle; stock: Grill 9, Ladle 0` (or `no order; stock: …`)."""
    return f"{placed(orders)}; stock: {shelved(stock)}"


def placed(orders: list[list[tuple[int, int]]]) -> str:
    """`an order of 1 Grill, 2 Ladle` (or `no order`)."""
    return "; ".join(f"an order of {lines_of(lines)}" for lines in orders) or "no order"


def shelved(stock: dict[int, int]) -> str:
    """`Grill 9, Ladle 0`."""
    return ", ".join(f"{name(pk)} {left}" for pk, left in stock.items())


def after(lines: list[tuple[int, int]]) -> dict[int, int]:
    """The stock of each product of `lines` once they are taken from the shelf."""
    stock = {pk: SHELF[pk][1] for pk, _ in lines}
    for pk, quantity in lines:
        stock[pk] -= quantity
    return stock


def check(site: Site) -> list[str]:
    try:
        return placed_whole_or_not_at_all(site)
    except DatabaseTrouble as error:  # the server's database is the learner server's
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
    return alike_orders(site)


def alike_orders(site: Site) -> list[str]:
    replies = {
        customer: site.request("POST", PATH, json=order(customer, ALIKE)) for customer in CUSTOMERS
    }
    orders = orders_of(site)
    for customer in DOOMED:
        if orders[customer]:
            return [
                f"the database refused the third line of {customer}'s order of {lines_of(ALIKE)}"
                f" (the grader made it fail, as a lost connection would), yet it holds"
                f" {placed(orders[customer])} for {customer}: a failure midway must leave"
                " nothing written"
            ]
    for customer in CUSTOMERS:
        reply = replies[customer]
        if customer in DOOMED:
            if reply.status is not None and reply.status < 300:
                return [f"{PATH} answered {reply.shown()} to an order the database refused"]
        elif reply.status != 201 or orders[customer] != [ALIKE]:
            return [
                f"{customer}'s order of {lines_of(ALIKE)}, which the database takes, was answered"
                f" {reply.shown()}, and the database holds {placed(orders[customer])} for"
                f" {customer}: an order must be written whole"
            ]
    taken = len(CUSTOMERS) - len(DOOMED)
    stock = {pk: SHELF[pk][1] - taken * quantity for pk, quantity in ALIKE}
    found = stock_of(site, set(stock))
    if found != stock:
        return [
            f"after {taken} orders of {lines_of(ALIKE)} were written and {len(DOOMED)} refused"
            f" by the database, the stock is {shelved(found)} instead of {shelved(stock)}:"
            " a failure midway must leave nothing written"
        ]
    return []


SCENARIO = Scenario(
    check=check,
    live="its lesson is what an order that fails halfway leaves in the database, not a wait",
    rows=ROWS,
)
