"""Outside check of exercise 11: a busy API is retried after waits, a bounded number of times.

The fake API answers 503 six times, then the forecast. A first visitor meets
a service that stays busy: the view tries exactly ATTEMPTS times and answers
503 at once after the last. A second one meets 503, 503, then the forecast.
The waits are the judge's own: from the end of one call to the start of the
next. The README allows jitter (a wait drawn between 0 and the backoff), so
no single wait is held to BACKOFF; all five together are, loosely: a view
that retries at once waits a few milliseconds in all. And the server's event
loop must stay free meanwhile (an `await asyncio.sleep`, not a `time.sleep`).
"""

from course.fake_api import Behaviour
from grader.sealed.loopwatch import LoopWatch
from grader.sealed.scenario import Scenario, carried, watched
from grader.sealed.site import Site

PATH = "/retry_backoff/"
API = "/forecast"
ATTEMPTS = 4  # tries in all, as the README and the shipped views.py say
BACKOFF = 0.5  # seconds before the second try, doubled before each next one
PATIENCE = 15.0  # seconds: the longest honest wait for ATTEMPTS tries is under 8 s
LEAST_WAITED = 0.25  # seconds, the five waits together (full jitter: 2.5 s on average)


def check(site: Site) -> list[str]:
    with LoopWatch(site.pid) as watch:
        problems = stays_busy(site) or busy_then_answers(site) or too_few_waits(site)
    return watched(watch.report(), 2, len(calls(site))) + problems


def calls(site: Site) -> list[tuple[float, float]]:
    """(start, end) of each call to the API so far. The judge records a call's end after its
    answer left, and a reply can overtake that (a solved view, on a loaded machine, was seen
    to give up after 3 calls): wait until none is in flight."""
    site.api.settle()
    return sorted(site.api.records.times[API])


def stays_busy(site: Site) -> list[str]:
    reply = site.request("GET", PATH, timeout=PATIENCE)
    made = len(calls(site))
    if made > ATTEMPTS:
        return [f"the view called the busy weather API {made} times: it may try {ATTEMPTS} times"]
    if reply.error is not None:
        return [f"with the weather API busy (503), {PATH} had not answered after {PATIENCE:g} s"]
    if made < ATTEMPTS:
        return [
            f"the view gave up after {made} call{'s' if made > 1 else ''} to the busy weather"
            f" API (503): wait and try again, {ATTEMPTS} tries in all"
        ]
    if reply.status != 503 or not isinstance(reply.json(), dict):
        return [
            f"after {ATTEMPTS} busy answers, {PATH} answered {reply.shown()} instead of 503 with"
            " a JSON error"
        ]
    lingered = reply.ended - calls(site)[-1][1]
    if lingered >= BACKOFF:
        return [
            f"the view waited {lingered:.1f} s after its last attempt before answering 503:"
            " after the last attempt there is nothing left to wait for"
        ]
    return []


def busy_then_answers(site: Site) -> list[str]:
    reply = site.request("GET", PATH, timeout=PATIENCE)
    made = len(calls(site)) - ATTEMPTS
    if problems := carried(site, PATH, [reply], API, "the weather API"):
        return [f"with the weather API answering 503, 503, then the forecast: {problems[0]}"]
    if made != 3:
        return [
            f"the weather API answered 503, 503, then the forecast, but was called {made} times"
        ]
    return []


def too_few_waits(site: Site) -> list[str]:
    times = calls(site)
    retries = [(times[i], times[i + 1]) for i in (0, 1, 2, 4, 5)]  # not from the 4th to the 5th
    waited = sum(later[0] - earlier[1] for earlier, later in retries)
    if waited >= LEAST_WAITED:
        return []
    return [
        f"the view waited {waited:.2f} s in all before its {len(retries)} retries: wait BACKOFF"
        f" ({BACKOFF:g} s) before the second try and double the wait before each next one"
    ]


SCENARIO = Scenario(
    check=check,
    live="its API is busy for its first calls only: the lesson is one request's retries",
    behaviour=Behaviour(latency=0.1, busy={API: ATTEMPTS + 2}),
    unconfirmed="that the waits grow as doubling does: the README allows jitter, so one run"
    " shows only that the view waits at all; and that no worker thread waits in the loop's stead"
    " in a way the kernel shows as an idle thread's (a lock without a timeout)",
)
