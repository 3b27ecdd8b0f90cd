"""Outside check of exercise 07: the dashboard's three calls are in flight at once."""

from course.fake_api import Behaviour
from grader.sealed.scenario import Scenario, carried, one_after_another, request_watched, unlike
from grader.sealed.site import Site

PATH = "/gather_fanout/"
APIS = {"weather": "/weather", "news": "/news", "stocks": "/stocks"}  # part → the API's path


def check(site: Site) -> list[str]:
    reply, blocked = request_watched(site, "GET", PATH)
    expected = '{"weather": …, "news": …, "stocks": …}, each the answer of its API'
    if problems := unlike(PATH, reply, lambda body: set(body) == set(APIS), expected):
        return problems
    for part, api in APIS.items():
        wrong = carried(
            site, PATH, [reply], api, f"the {part} API", lambda body, part=part: body[part]
        )
        if wrong:
            return wrong
    return one_after_another(site, 3) + blocked


SCENARIO = Scenario(check=check, behaviour=Behaviour(latency=0.5))
