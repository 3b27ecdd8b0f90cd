"""Outside check of exercise 15: the parcel SDK's three calls are in flight at once, and the
server's event loop stays free while they wait."""

from course.fake_api import Behaviour
from grader.sealed.loopwatch import LoopWatch
from grader.sealed.scenario import Live, Scenario, listed, listed_calls, one_after_another
from grader.sealed.site import Site

PARCELS = ["A1", "B2", "C3"]  # the README's own example: /legacy_sdk/?ids=A1,B2,C3
PATH = f"/legacy_sdk/?ids={','.join(PARCELS)}"


def check(site: Site) -> list[str]:
    with LoopWatch(site.pid) as watch:
        reply = site.request("GET", PATH)
    calls = [(f"/track/{parcel}", f"the carrier (parcel {parcel})") for parcel in PARCELS]
    expected = f'{{"parcels": [...]}}, the carrier\'s answers for {", ".join(PARCELS)} in order'
    problems = listed(site, PATH, reply, "parcels", calls, expected)
    if problems:
        return problems
    blocked = watch.report().blocking(requests=1)
    on_the_loop = (
        [f"the view held the event loop while the carrier answered: {blocked}"] if blocked else []
    )
    answered = listed_calls(site, reply, "parcels", [api_path for api_path, _name in calls])
    return on_the_loop + one_after_another(site, len(PARCELS), answered)


SCENARIO = Scenario(check=check, live=Live(PATH), behaviour=Behaviour(latency=0.5))
