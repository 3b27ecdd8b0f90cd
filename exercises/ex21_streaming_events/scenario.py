"""Outside check of exercise 21: the live dashboard streams server-sent events, one per API,
each carrying its own call's answer, and an event reaches the visitor while the stocks API
has not yet answered (the judge's fake API holds that call until the visitor has read one).
"""

import dataclasses
import json

from course.events import events_in
from grader.sealed.scenario import Scenario, carried, request_watched
from grader.sealed.site import Reply, Site, read_until

PATH = "/streaming_events/"
PARTS = {"weather": "/weather", "news": "/news", "stocks": "/stocks"}
HELD = "/stocks"
SETTLE = 5.0  # seconds for the first event to arrive while the stocks API is held


def check(site: Site) -> list[str]:
    reply, watched = request_watched(site, "GET", PATH)
    kind = reply.headers.get("content-type", "")
    if reply.status != 200 or not kind.startswith("text/event-stream"):
        return [
            f"{PATH} answered {reply.shown()} ({kind or 'no content type'}), not an event stream"
        ]
    events = dict(events_in(reply.body))
    problems = []
    for name, api_path in PARTS.items():
        piece = dataclasses.replace(reply, body=json.dumps(events.get(name)).encode())
        problems += carried(
            site, f"{PATH} (its {name} event)", [piece], api_path, f"the {name} API"
        )
    if problems:
        return problems
    with site.api.holding(HELD):
        early: Reply = read_until(site.url, PATH, events_in, "no event", SETTLE)
    if early.error:
        return [
            f"no event of {PATH} arrived while the stocks API had not answered yet: the view "
            "sent nothing until every API had answered — stream each event as its answer comes"
        ]
    return watched


SCENARIO = Scenario(
    check=check,
    live="its lesson shows in one request: when each event of the page arrives",
)
