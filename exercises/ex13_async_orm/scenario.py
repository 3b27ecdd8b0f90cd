"""Outside check of exercise 13: the catalogue, a product and a 404 come from the database, and
while the database keeps a query waiting the server's event loop stays free."""

import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
BUSY = 0.5  # seconds the grader keeps the database locked, as a busy database would


@contextmanager
def busy(database: Path, seconds: float) -> Iterator[None]:
    """The database locked by the grader for `seconds`: a query waits as on a busy database."""
    if not stat.S_ISREG(database.lstat().st_mode):  # the server's folder: never follow a link
        raise sqlite3.DatabaseError("it is not a plain file any more")
    connection = sqlite3.connect(
        f"{database.as_uri()}?mode=rw", uri=True, isolation_level=None, check_same_thread=False
    )
    try:
        connection.execute("BEGIN EXCLUSIVE")
        release = threading.Timer(seconds, connection.rollback)
        release.start()
        try:
            yield
        finally:
            release.join()
    finally:
        connection.close()


def check(site: Site) -> list[str]:
    problems = unexpected(CATALOGUE, site.request("GET", CATALOGUE), 200, IN_STOCK)
    problems += unexpected(TEAPOT, site.request("GET", TEAPOT), 200, TEAPOT_DETAILS)
    problems += unexpected(NO_SUCH_PRODUCT, site.request("GET", NO_SUCH_PRODUCT), 404, MISSING)
    if problems:
        return problems
    # A query on the loop (DJANGO_ALLOW_ASYNC_UNSAFE) answers the same: it shows when the
    # database is slow to answer, and the loop thread waits for it.
    try:
        with busy(site.home / "db.sqlite3", BUSY), LoopWatch(site.pid) as watch:
            reply = site.request("GET", CATALOGUE)
    except (OSError, sqlite3.Error) as error:
        return [f"the grader could not make the server's database busy: {error}"]
    blocked = watch.report().blocking(requests=1)
    if blocked:
        return [
            f"with the database busy for {BUSY:g} s (locked by the grader), {CATALOGUE} waited "
            f"for it on the event loop, where SQLite waits by sleeping: {blocked}"
        ]
    return unexpected(CATALOGUE, reply, 200, IN_STOCK)


SCENARIO = Scenario(check=check, rows=ROWS)
