"""Outside check of exercise 05: the forecast is answered, and when a visitor leaves before the
answer, the view's call to the weather API is abandoned at once, not answered later for nobody.

Every wait that holds a thread (the shipped `def` view, `sync_to_async`,
`asyncio.to_thread`) or blocks the event loop (a sync client in an `async
def`) cannot be stopped: the judge's fake API sees its call through to the
answer. Only a view that awaits an async client lets Django cancel the call.
"""

from course.fake_api import Behaviour
from grader.sealed.scenario import Scenario, carried
from grader.sealed.site import Site

PATH = "/sync_view_holds_a_thread/"
API = "/forecast"
LATENCY = 1.0  # seconds per answer: the visitor leaves well before
VISITOR_GIVES_UP = 0.3  # seconds, like `curl --max-time 0.3`
TRIES = 3  # on a loaded machine the visitor may leave before the view has called the API
SETTLE = 5.0  # seconds to wait for the call to end once the visitor left (it takes LATENCY)


def check(site: Site) -> list[str]:
    records = site.api.records
    wrong = carried(site, PATH, [site.request("GET", PATH)], API, "the weather API")
    if wrong:
        return wrong
    site.api.settle()  # the fake API records an answer just after it is sent
    if records.answered[API] != 1:
        return [f"{PATH} asked the weather API {records.calls[API]} time(s) for one forecast"]
    for _ in range(TRIES):
        calls, answered = records.calls[API], records.answered[API]
        abandoned = records.abandoned[API]
        reply = site.leave_after(VISITOR_GIVES_UP, PATH)
        if reply.error is None:
            return [
                f"{PATH} answered {reply.shown()} within {VISITOR_GIVES_UP:g} s, before the "
                f"weather API could (it takes {LATENCY:g} s)"
            ]
        site.api.settle(SETTLE)  # the call goes on, or was abandoned: wait for either
        if records.calls[API] == calls:
            continue  # the view never called the API before the visitor left: try again
        if records.answered[API] > answered:
            return [
                f"a visitor left {PATH} after {VISITOR_GIVES_UP:g} s, but the view's call to "
                "the weather API went on and was answered later, for nobody: a thread blocked "
                "in a sync client (or a loop blocked by one) cannot be stopped"
            ]
        if records.abandoned[API] == abandoned:
            return [
                f"a visitor left {PATH} after {VISITOR_GIVES_UP:g} s, and the view's call to the "
                f"weather API was neither abandoned nor answered within {SETTLE:g} s"
            ]
        return []
    return [
        f"in {TRIES} tries, {PATH} never called the weather API before the visitor left after "
        f"{VISITOR_GIVES_UP:g} s"
    ]


SCENARIO = Scenario(check=check, behaviour=Behaviour(latency=LATENCY))
