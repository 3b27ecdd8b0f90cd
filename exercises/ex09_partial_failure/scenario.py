"""Outside check of exercise 09: with the news API failing, the page keeps the other two parts."""

import json

from course.fake_api import Behaviour
from grader.sealed.scenario import (
    Scenario,
    one_after_another,
    parts_carried,
    request_watched,
    unlike,
)
from grader.sealed.site import Site

PATH = "/partial_failure/"
UNAVAILABLE = {"error": "unavailable"}  # as the README and the shipped views.py name it
WORKING = {"weather": "/weather", "stocks": "/stocks"}  # part → the API's path


def check(site: Site) -> list[str]:
    reply, blocked = request_watched(site, "GET", PATH)
    problems = unlike(
        PATH,
        reply,
        lambda body: set(body) == {"weather", "news", "stocks"} and body["news"] == UNAVAILABLE,
        f'{{"weather": …, "news": {json.dumps(UNAVAILABLE)}, "stocks": …}}',
    )
    calls: list[tuple[float, float]] = []
    if not problems:
        problems, calls = parts_carried(site, PATH, reply, WORKING)
    if problems:
        return [f"with the news API failing (500), {problems[0]}"]
    # The answered calls must overlap (calls made for show cannot lift that), and the failing
    # news call must have been in flight with them.
    late = one_after_another(site, len(WORKING), calls) or one_after_another(site, 3)
    return late + blocked


SCENARIO = Scenario(
    check=check,
    live="its lesson is the answer a failing API leaves, not the wait",
    behaviour=Behaviour(latency=0.5, fail={"/news": "500"}),
)
