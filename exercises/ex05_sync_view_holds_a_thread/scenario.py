"""Outside check of exercise 05: the forecast is answered, and when a visitor leaves before the
answer, the view's call to the weather API is abandoned at once, not answered later for nobody.

Every wait that holds a thread (the shipped `def` view, `sync_to_async`,
`asyncio.to_thread`) or blocks the event loop (a sync client in an `async
def`) cannot be stopped: the judge's fake API sees its call through to the
answer. Only a view that awaits an async client lets Django cancel the call.
"""

from course.fake_api import Behaviour
from grader.sealed.scenario import Live, Scenario, carried
from grader.sealed.site import Site

PATH = "/sync_view_holds_a_thread/"
API = "/forecast"
LATENCY = 0.1  # seconds per answer, once the judge lets the call be answered
SETTLE = 5.0  # seconds for a call to end once the visitor left, or once it may be answered


def check(site: Site) -> list[str]:
    records = site.api.records
    wrong = carried(site, PATH, [site.request("GET", PATH)], API, "the weather API")
    if wrong:
        return wrong
    site.api.settle()  # the fake API records an answer just after it is sent
    if records.answered[API] != 1:
        return [f"{PATH} asked the weather API {records.calls[API]} time(s) for one forecast"]
    answered, abandoned = records.answered[API], records.abandoned[API]
    with site.api.holding(API):  # the view's call waits, unanswered, while its visitor leaves
        reply = site.leave_once_called(PATH, API)
        if reply is not None and reply.error is not None:
            return [f"{PATH} did not call the weather API for a second visitor: {reply.error}"]
        if reply is not None:
            return [f"{PATH} answered {reply.shown()} without calling the weather API"]
        site.api.settle(SETTLE)  # abandoned at once, or still waiting
    if records.abandoned[API] > abandoned:
        return []
    site.api.settle(SETTLE)  # the API may answer now: a call that went on ends
    if records.answered[API] > answered:
        return [
            f"a visitor left {PATH} while the view waited for the weather API, but the call "
            "went on and was answered later, for nobody: a thread blocked in a sync client "
            "(or a loop blocked by one) cannot be stopped"
        ]
    return [
        f"a visitor left {PATH} while the view waited for the weather API, and its call was "
        f"neither abandoned nor answered within {SETTLE:g} s"
    ]


SCENARIO = Scenario(
    check=check, live=Live(PATH, leave_once_called=API), behaviour=Behaviour(latency=LATENCY)
)
