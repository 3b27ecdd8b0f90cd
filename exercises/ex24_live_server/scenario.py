"""Outside check of exercise 24: twenty visitors sent at once have all their sixty calls to the
APIs in flight together, and each gets the answers of their own calls soon after. The exercise's
last test makes the same check (`course/testing/live.py`), on a server of its own."""

from course.fake_api import Behaviour
from grader.sealed.scenario import Live, Scenario, visitors_side_by_side
from grader.sealed.site import Site

PATH = "/live_server/"
VISITORS = 20
APIS = {"weather": "/weather", "news": "/news", "stocks": "/stocks"}  # part → the API's path
LATENCY = 1.0  # seconds the fake APIs take to answer, once the calls have met


def check(site: Site) -> list[str]:
    return visitors_side_by_side(site, PATH, VISITORS, APIS, LATENCY)


SCENARIO = Scenario(
    check=check, live=Live(PATH, visitors=VISITORS), behaviour=Behaviour(latency=LATENCY)
)
