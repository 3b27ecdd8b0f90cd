"""Outside check of exercise 08: a weather API that never answers gets a 504 by the deadline.

The fake API's `/forecast` hangs. The view must answer 504 with a JSON error
once DEADLINE has passed (not before, and within a generous multiple of it
even on a loaded machine), and its call must end then: the fake API sees it
abandoned, not still waiting.
"""

from course.fake_api import Behaviour
from grader.sealed.scenario import Scenario
from grader.sealed.site import Site

PATH = "/upstream_timeout/"
DEADLINE = 2.0  # seconds, as the README and the shipped views.py say
PATIENCE = 3 * DEADLINE  # how long the judge waits for the answer
ENDED_WITHIN = 2.0  # seconds after the 504 for the hung call to be abandoned


def check(site: Site) -> list[str]:
    reply = site.request("GET", PATH, timeout=PATIENCE)
    if reply.error is not None:
        return [
            f"with the weather API never answering, {PATH} had not answered after"
            f" {PATIENCE:g} s: give up after DEADLINE ({DEADLINE:g} s) with a 504"
        ]
    if reply.status != 504 or not isinstance(reply.json(), dict):
        return [
            f"with the weather API never answering, {PATH} answered {reply.shown()} instead"
            " of 504 Gateway Timeout with a JSON error"
        ]
    if reply.seconds < 0.9 * DEADLINE:
        return [
            f"{PATH} answered 504 after {reply.seconds:.2f} s: wait for the weather API up to"
            f" DEADLINE ({DEADLINE:g} s) before giving up"
        ]
    site.api.settle(timeout=ENDED_WITHIN)
    if site.api.records.in_flight["/forecast"]:
        return [
            f"{PATH} answered 504, but its call to the weather API was still running"
            f" {ENDED_WITHIN:g} s later: a deadline must end (cancel) the call"
        ]
    return []


SCENARIO = Scenario(
    check=check,
    behaviour=Behaviour(hang={"/forecast"}),
    unconfirmed="that the view lets a visitor who leaves cancel it: one that catches the"
    " cancellation (`except CancelledError`, a bare `except:`) still has its call ended,"
    " and its late 504 goes to nobody",
)
