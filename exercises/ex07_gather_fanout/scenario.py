"""Outside check of exercise 07: the dashboard's three calls are in flight at once."""

from course.fake_api import Behaviour
from grader.sealed.scenario import (
    Scenario,
    carried,
    carried_calls,
    one_after_another,
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
    calls = []
    for part, api in APIS.items():
        answer = lambda body, part=part: body[part]  # noqa: E731
        wrong = carried(site, PATH, [reply], api, f"the {part} API", answer)
        if wrong:
            return wrong
        calls += carried_calls(site, [reply], api, answer)
    return one_after_another(site, len(APIS), calls) + blocked


SCENARIO = Scenario(check=check, behaviour=Behaviour(latency=0.5))
