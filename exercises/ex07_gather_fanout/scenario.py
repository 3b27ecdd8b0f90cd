"""Outside check of exercise 07: the dashboard's three calls are in flight at once."""

from course.fake_api import ANSWERS, Behaviour
from grader.sealed.scenario import Scenario, one_after_another, unexpected
from grader.sealed.site import Site

PATH = "/gather_fanout/"
DASHBOARD = {"weather": ANSWERS["/weather"], "news": ANSWERS["/news"], "stocks": ANSWERS["/stocks"]}


def check(site: Site) -> list[str]:
    reply = site.request("GET", PATH)
    return unexpected(PATH, reply, 200, DASHBOARD) or one_after_another(site, 3)


SCENARIO = Scenario(check=check, behaviour=Behaviour(latency=0.5))
