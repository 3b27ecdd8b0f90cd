"""Outside check of exercise 07: the dashboard's three calls are in flight at once."""

from course.fake_api import Behaviour
from grader.sealed.scenario import (
    Live,
    Scenario,
    one_after_another,
    parts_carried,
    request_watched,
    unlike,
)
from grader.sealed.site import Site

PATH = "/gather_fanout/"
APIS = {"weather": "/weather", "news": "/news", "stocks": "/stocks"}  # part → the API's path


def check(site: Site) -> list[str]:
    reply, blocked = request_watched(site, "GET", PATH)
    expected = '{"weather": …, "news": …, "stocks": …}, each the answer of its API'
    if problems := unlike(PATH, reply, lambda body: set(body) == set(APIS), expected):
        return problems
    wrong, calls = parts_carried(site, PATH, reply, APIS)
    if wrong:
        return wrong
    return one_after_another(site, len(APIS), calls) + blocked


SCENARIO = Scenario(check=check, live=Live(PATH), behaviour=Behaviour(latency=0.5))
