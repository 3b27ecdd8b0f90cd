"""Outside check of exercise 22: a visitor reads the live forecast's first event and leaves;
then nothing of the stream goes on asking the judge's fake API, and the next visitor, alone,
is told one visitor is watching.
"""

import time

from course.events import events_in
from grader.sealed.scenario import Live, Scenario
from grader.sealed.site import Site, read_until

PATH = "/stream_disconnect/"
API = "/forecast"
INTERVAL = 2.0  # as the shipped views.py polls
AFTER = 2.5 * INTERVAL  # seconds the judge watches the API once the visitor has left
FIRST = 15.0  # seconds for a first event


def watching(body: bytes) -> object:
    """What the first event told the visitor of how many are watching."""
    events = events_in(body)
    data = events[0][1] if events else None
    return data.get("watching") if isinstance(data, dict) else None


def check(site: Site) -> list[str]:
    records = site.api.records
    first = read_until(site.url, PATH, events_in, "no event", FIRST)  # then the visitor leaves
    if first.error or first.status != 200:
        return [f"{PATH} sent no event to a visitor: {first.error or first.shown()}"]
    site.api.settle()
    calls = records.calls[API]
    time.sleep(AFTER)
    if records.calls[API] > calls:
        return [
            f"a visitor left {PATH} after its first event, but the weather API was asked "
            f"{records.calls[API] - calls} more time(s) in the next {AFTER:g} s: something the "
            "stream started goes on polling for nobody"
        ]
    second = read_until(site.url, PATH, events_in, "no event", FIRST)
    told = watching(second.body)
    if told != 1:
        return [
            f"a visitor alone at {PATH}, after another had left, was told {told!r} watching: "
            "the visitor who left was never counted out"
        ]
    return []


SCENARIO = Scenario(check=check, live=Live(PATH, leave_once_called=API))
