"""Outside check of exercise 10: the 50 price calls run 5 at a time, never more, never fewer.

The first five products' prices are slow to come: a view bounded by LIMIT
holds its five slots with them (peak 5), while an unbounded one starts the
next calls meanwhile (peak over 5). Starting each call takes the view some
time of its own (an httpx client is made per call), so only slow calls make
a clear peak, whatever the machine's load.
"""

from course.fake_api import Behaviour
from grader.sealed.scenario import (
    Live,
    Scenario,
    listed,
    listed_calls,
    most_at_once,
    request_watched,
)
from grader.sealed.site import Site

PATH = "/bounded_concurrency/"
LIMIT = 5  # calls the price API allows in flight at once, as course/shop.py says
PRODUCTS = range(1, 51)
SLOW = {f"/prices/{product}": 1.0 for product in PRODUCTS[:LIMIT]}  # seconds


def check(site: Site) -> list[str]:
    reply, blocked = request_watched(site, "GET", PATH)
    calls = [
        (f"/prices/{product}", f"the price API (product {product}, in place {index + 1})")
        for index, product in enumerate(PRODUCTS)
    ]
    expected = f'{{"prices": [...]}}, the price API\'s answers for products 1 to {len(PRODUCTS)}'
    problems = listed(site, PATH, reply, "prices", calls, expected)
    if problems or blocked:
        return problems + blocked
    peak = site.api.records.peak_overall  # every call counts against the API's limit
    if peak > LIMIT:
        return [f"{peak} calls to the price API were in flight at once, but it allows {LIMIT}"]
    # Only the calls the page carries count towards using the slots: not calls made for show.
    peak = most_at_once(listed_calls(site, reply, "prices", [path for path, _name in calls]))
    if peak == 1:
        return [f"the calls to the price API ran one after another: {LIMIT} at once are allowed"]
    if peak < LIMIT:
        return [f"at most {peak} calls to the price API were in flight at once: use all {LIMIT}"]
    return []


SCENARIO = Scenario(
    check=check,
    live=Live(PATH, visitors=2),
    behaviour=Behaviour(latency=0.05, slow=SLOW),
    unconfirmed="that a slot that frees up takes the next call at once: the slow calls here all"
    " end together, so batches of LIMIT, each gathered whole, fill every slot too",
)
