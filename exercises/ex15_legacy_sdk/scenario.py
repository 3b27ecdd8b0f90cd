"""Outside check of exercise 15: the parcel SDK's three calls are in flight at once, and the
server's event loop stays free while they wait."""

from course.fake_api import Behaviour, answer_for
from grader.sealed.loopwatch import LoopWatch
from grader.sealed.scenario import Scenario, one_after_another, unexpected
from grader.sealed.site import Site

PARCELS = ["A1", "B2", "C3"]  # the README's own example: /legacy_sdk/?ids=A1,B2,C3
PATH = f"/legacy_sdk/?ids={','.join(PARCELS)}"
TRACKED = {"parcels": [answer_for(f"/track/{parcel}") for parcel in PARCELS]}


def check(site: Site) -> list[str]:
    with LoopWatch(site.pid) as watch:
        reply = site.request("GET", PATH)
    problems = unexpected(PATH, reply, 200, TRACKED)
    if problems:
        return problems
    blocked = watch.report().blocking(requests=1)
    on_the_loop = (
        [f"the view held the event loop while the carrier answered: {blocked}"] if blocked else []
    )
    return on_the_loop + one_after_another(site, len(PARCELS))


SCENARIO = Scenario(check=check, behaviour=Behaviour(latency=0.5))
