"""Outside check of exercise 04: five requests sent at once all have their call to the weather
API in flight together, each answered with the forecast its own call brought back, and the
server's event loop never blocked while they waited."""

from course.fake_api import Behaviour
from grader.sealed.scenario import Scenario, at_once_watched, carried, side_by_side
from grader.sealed.site import Site

PATH = "/async_http_client/"
AT_ONCE = 5
# Seconds per answer: solved, the five calls overlap even on a loaded machine (with 0.5 s, two
# CPU hogs and another exercise graded beside it, once in about 30 runs a call started too late).
# Shipped, they take 5 s one after another.
LATENCY = 1.0


def check(site: Site) -> list[str]:
    replies, blocked = at_once_watched(site, AT_ONCE, "GET", PATH)
    wrong = carried(site, PATH, replies, "/forecast", "the weather API")
    if wrong:
        return wrong
    return blocked + side_by_side(site, PATH, replies, "/forecast", "the weather API")


SCENARIO = Scenario(
    check=check,
    behaviour=Behaviour(latency=LATENCY),
    unconfirmed="that no worker thread waits for the loop's call: `async_to_sync` in a sync view,"
    " or `run_coroutine_threadsafe(...).result()` in a thread, waits in a futex, as an idle"
    " thread does (a sync client in a thread shows, as `poll`); and that a client made for a"
    " request is closed by its end",
)
