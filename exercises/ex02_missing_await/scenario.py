"""Outside check of exercise 02: the forecast reaches the visitor, so the coroutine ran."""

from course.fake_api import ANSWERS
from grader.sealed.scenario import Scenario, unexpected
from grader.sealed.site import Site

PATH = "/missing_await/"


def check(site: Site) -> list[str]:
    reply = site.request("GET", PATH)
    if problems := unexpected(PATH, reply, 200, {"forecast": ANSWERS["/forecast"]}):
        return problems
    site.api.settle()  # a call is counted once its answer is sent
    answered = site.api.records.answered["/forecast"]
    if answered != 1:
        return [f"one request made {answered} answered call(s) to the weather API, not one"]
    return []


SCENARIO = Scenario(check=check)
