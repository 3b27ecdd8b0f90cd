"""Outside check of exercise 02: the forecast reaches the visitor, so the coroutine ran."""

from grader.sealed.scenario import Scenario, carried, request_watched, unlike
from grader.sealed.site import Site

PATH = "/missing_await/"


def check(site: Site) -> list[str]:
    reply, blocked = request_watched(site, "GET", PATH)
    problems = unlike(
        PATH, reply, lambda body: list(body) == ["forecast"], '{"forecast": <the forecast>}'
    ) or carried(site, PATH, [reply], "/forecast", "the weather API", lambda body: body["forecast"])
    if problems:
        return problems
    site.api.settle()  # a call is counted once its answer is sent
    answered = site.api.records.answered["/forecast"]
    if answered != 1:
        return [f"one request made {answered} answered call(s) to the weather API, not one"]
    return blocked


SCENARIO = Scenario(
    check=check, live="its mistake is an error, not a wait: each request fails on its own"
)
