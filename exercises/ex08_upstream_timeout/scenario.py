"""Outside check of exercise 08: a weather API that never answers gets a 504 by the deadline.

The fake API's `/forecast` hangs. The view must call it, answer 504 with a
JSON error once DEADLINE has passed (not before, and within a generous
multiple of it even on a loaded machine), and its call must end then: the
fake API sees it held for most of the deadline, then abandoned, not still
waiting. Meanwhile no thread of the server may wait for it (a sync client's
own timeout, in a worker thread, ends the call as well).
"""

from course.fake_api import Behaviour
from grader.sealed.scenario import Scenario, request_watched
from grader.sealed.site import Reply, Site

PATH = "/upstream_timeout/"
DEADLINE = 2.0  # seconds, as the README and the shipped views.py say
PATIENCE = 3 * DEADLINE  # how long the judge waits for the answer
ENDED_WITHIN = 2.0  # seconds after the 504 for the hung call to be abandoned
# Share of DEADLINE the call must have been held for: the deadline starts before the call (the
# view makes its client first), so a call held until the deadline lasts a little less than it.
HELD = 0.5
API = "/forecast"


def check(site: Site) -> list[str]:
    reply, blocked = request_watched(site, "GET", PATH, timeout=PATIENCE)
    return blocked + answered_by_the_deadline(site, reply)


def answered_by_the_deadline(site: Site, reply: Reply) -> list[str]:
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
    records = site.api.records
    if not records.calls[API]:
        return [
            f"{PATH} answered 504 after {reply.seconds:.2f} s without calling the weather API:"
            " the deadline is for the call, so make it and give up on it after DEADLINE"
        ]
    site.api.settle(timeout=ENDED_WITHIN)
    if records.in_flight[API]:
        return [
            f"{PATH} answered 504, but its call to the weather API was still running"
            f" {ENDED_WITHIN:g} s later: a deadline must end (cancel) the call"
        ]
    held = [
        end - start
        for start, end in records.times[API]
        if reply.started <= start <= reply.ended  # made for this request
    ]
    if not held:
        return [
            f"{PATH} answered 504, but the weather API saw no call made while it waited:"
            " call it for the request, and give up on it after DEADLINE"
        ]
    if max(held) < HELD * DEADLINE:
        return [
            f"{PATH} answered 504 after {reply.seconds:.2f} s, but its call to the weather API"
            f" was given up after {max(held):.2f} s: wait for the API until DEADLINE"
            f" ({DEADLINE:g} s), then end the call"
        ]
    return []


SCENARIO = Scenario(
    check=check,
    live="its API never answers: the lesson is how long one request waits",
    behaviour=Behaviour(hang={"/forecast"}),
    unconfirmed="that the view lets a visitor who leaves cancel it: one that catches the"
    " cancellation (`except CancelledError`, a bare `except:`) still has its call ended,"
    " and its late 504 goes to nobody",
)
