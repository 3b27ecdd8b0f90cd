"""Outside check of exercise 13: the catalogue, a product and a 404 come from the database, and
while the database keeps a query waiting the server's event loop stays free."""

from grader.sealed.database import DatabaseTrouble, held
from grader.sealed.loopwatch import LoopWatch
from grader.sealed.scenario import Scenario, unexpected
from grader.sealed.site import Site

# The shelf, as the exercise's own tests stock it: id: (name, price, stock).
SHELF = {1: ("Teapot", "32.00", 4), 2: ("Kettle", "24.50", 2), 3: ("Toaster", "41.00", 0)}
ROWS = (
    "from exercises.ex13_async_orm.models import Product\n"
    f"for pk, (name, price, stock) in {SHELF!r}.items():\n"
    "    Product.objects.create(pk=pk, name=name, price=price, stock=stock)\n"
)
CATALOGUE = "/async_orm/"
IN_STOCK = {
    "count": 2,
    "products": [{"name": "Kettle", "price": "24.50"}, {"name": "Teapot", "price": "32.00"}],
}
TEAPOT = f"{CATALOGUE}1/"
TEAPOT_DETAILS = {"name": "Teapot", "price": "32.00", "stock": 4}
NO_SUCH_PRODUCT = f"{CATALOGUE}{max(SHELF) + 1}/"
MISSING = {"error": "no such product"}
BUSY = 0.5  # seconds the grader keeps the products locked, as a busy database would
TABLE = "ex13_async_orm_product"


def check(site: Site) -> list[str]:
    problems = unexpected(CATALOGUE, site.request("GET", CATALOGUE), 200, IN_STOCK)
    problems += unexpected(TEAPOT, site.request("GET", TEAPOT), 200, TEAPOT_DETAILS)
    problems += unexpected(NO_SUCH_PRODUCT, site.request("GET", NO_SUCH_PRODUCT), 404, MISSING)
    if problems:
        return problems
    # A query on the loop (DJANGO_ALLOW_ASYNC_UNSAFE) answers the same: it shows when the
    # database is slow to answer, and the loop thread waits for it.
    try:
        with held(site.database, TABLE, BUSY), LoopWatch(site.pid) as watch:
            reply = site.request("GET", CATALOGUE)
    except DatabaseTrouble as error:
        return [f"the grader could not make the server's database busy: {error}"]
    blocked = watch.report().blocking(requests=1)
    if blocked:
        return [
            f"with the database busy for {BUSY:g} s (locked by the grader), {CATALOGUE} waited "
            f"for it on the event loop: {blocked}"
        ]
    return unexpected(CATALOGUE, reply, 200, IN_STOCK)


SCENARIO = Scenario(
    check=check,
    live="its mistake is an error, not a wait: Django refuses each sync query in an async view",
    rows=ROWS,
)
