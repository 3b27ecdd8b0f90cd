"""Outside check of exercise 14: both pages name each product's maker and each maker's products,
and with more rows in the database, neither page asks its database more often.

The grader counts the queries from outside (`queries_so_far`: the server's file reads, on
SQLite), asks each page, adds makers and products itself, and asks again: a page that
fetches related rows one query at a time (the N+1 problem) asks once more per added row;
`select_related` and `prefetch_related` ask as often as before.
"""

from grader.sealed.database import DatabaseTrouble, add_rows, queries_so_far
from grader.sealed.scenario import Scenario, unexpected, warm_up
from grader.sealed.site import Site

# Makers and their products (Cara has none), as the exercise's own tests stock them; then
# those the grader adds.
MAKERS = {"Brevia": ["Kettle", "Teapot"], "Cara": [], "Coppa": ["Mug"], "Dalla": ["Toaster"]}
ADDED = {"Ebro": ["Grinder", "Jug", "Sieve"], "Fiera": ["Ladle"], "Gusto": ["Whisk", "Zester"]}
ROWS = (
    "from exercises.ex14_related_objects.models import Maker\n"
    f"for name, products in {MAKERS!r}.items():\n"
    "    maker = Maker.objects.create(name=name)\n"
    "    for product in products:\n"
    "        maker.products.create(name=product)\n"
)
ADD = "".join(
    f"INSERT INTO ex14_related_objects_maker (name) VALUES ('{maker}');\n"
    + "".join(
        "INSERT INTO ex14_related_objects_product (name, maker_id) SELECT"
        f" '{product}', id FROM ex14_related_objects_maker WHERE name = '{maker}';\n"
        for product in products
    )
    for maker, products in ADDED.items()
)
CATALOGUE = "/related_objects/"
MAKERS_PAGE = "/related_objects/makers/"
# A page may ask once more with more rows (a table grown by a page); per row, it asks each time.
LEAST_PER_ROW = 2
SAMPLES = 3  # requests to a page each time it is counted


def products(makers: dict[str, list[str]]) -> dict[str, list[dict[str, str]]]:
    found = [{"name": name, "maker": maker} for maker, names in makers.items() for name in names]
    return {"products": sorted(found, key=lambda item: item["name"])}


def by_maker(makers: dict[str, list[str]]) -> dict[str, list[dict[str, object]]]:
    return {"makers": [{"maker": maker, "products": names} for maker, names in makers.items()]}


def asked(site: Site, path: str, expected: object) -> tuple[list[str], int | None]:
    """Ask `path` SAMPLES times: a problem when it does not answer 200 `expected`, and the
    fewest queries a request ran (None when they cannot be counted). The fewest: a connection
    the view keeps open (`asyncio.to_thread`'s) reads the file again once the grader changed
    it, and a new one reads its schema, whatever the page does."""
    counted = []
    for _ in range(SAMPLES):
        before = queries_so_far(site.database, site.pid)
        reply = site.request("GET", path)
        after = queries_so_far(site.database, site.pid)
        if problems := unexpected(path, reply, 200, expected):
            return problems, None
        if before is not None and after is not None:
            counted.append(after - before)
    return [], min(counted, default=None)


def check(site: Site) -> list[str]:
    pages = {CATALOGUE: (products, sum(map(len, ADDED.values())), "products")}
    pages[MAKERS_PAGE] = (by_maker, len(ADDED), "makers")
    for path in pages:
        warm_up(site, "GET", path)  # the first request reads the course's modules
    first = {}
    for path, (page, _added, _rows) in pages.items():
        problems, first[path] = asked(site, path, page(MAKERS))
        if problems:
            return problems
    try:
        add_rows(site.database, ADD, site.python)
    except DatabaseTrouble as error:  # the server's database is the learner server's
        return [f"the grader could not add rows to the server's database: {error}"]
    for path, (page, added, rows) in pages.items():
        problems, queries = asked(site, path, page(MAKERS | ADDED))
        if problems:
            return [f"with {added} more {rows} in the database, " + problems[0]]
        if queries is None or first[path] is None:
            continue
        more = queries - first[path]
        if more >= max(LEAST_PER_ROW, added // 2):
            return [
                f"{path} asked the database {more} more times once it held {added} more {rows}:"
                " it fetches the related rows one query at a time (the N+1 problem); fetch them"
                " with the main query (`select_related`, along a foreign key) or in one more"
                " (`prefetch_related`)"
            ]
    return []


SCENARIO = Scenario(
    check=check,
    live="its mistake is an error, not a wait: Django refuses each lazy query in an async view",
    rows=ROWS,
    unconfirmed=(
        "how many queries a page runs, where the grader cannot count them: on PostgreSQL, or"
        " without ptrace access to the server"
    ),
)
