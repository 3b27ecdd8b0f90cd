"""Outside check of exercise 09: with the news API failing, the page keeps the other two parts."""

from course.fake_api import ANSWERS, Behaviour
from grader.sealed.scenario import Scenario, one_after_another, unexpected
from grader.sealed.site import Site

PATH = "/partial_failure/"
UNAVAILABLE = {"error": "unavailable"}  # as the README and the shipped views.py name it
PAGE = {"weather": ANSWERS["/weather"], "news": UNAVAILABLE, "stocks": ANSWERS["/stocks"]}


def check(site: Site) -> list[str]:
    reply = site.request("GET", PATH)
    if problems := unexpected(PATH, reply, 200, PAGE):
        return [f"with the news API failing (500), {problems[0]}"]
    return one_after_another(site, 3)


SCENARIO = Scenario(check=check, behaviour=Behaviour(latency=0.5, fail={"/news": "500"}))
