"""Outside check of exercise 19: five forecasts sent at once, each timed by the middleware, with
no worker thread held waiting while they wait for the API; a page that writes the session gets
its session cookie; and the older sync page still works behind the middleware.

What a sync-only middleware costs, a worker thread per request waiting in
`async_to_sync` for the page, does not show from outside: the kernel shows
that thread in a futex wait, as it shows the idle worker thread every request
of the course has for the session middleware's hooks. So the shipped
exercise looks solved to a server; what a server can see of a wrong answer
(a class the session middleware takes for a sync one: no session cookie) is
checked.
"""

import re

from grader.sealed.scenario import Live, Scenario, at_once_watched, carried, unexpected
from grader.sealed.site import Reply, Site

PATH = "/async_middleware/"
AT_ONCE = 5
SERVER_TIMING = re.compile(r"app;dur=\d+(\.\d+)?")


def untimed(path: str, replies: list[Reply]) -> list[str]:
    for reply in replies:
        header = reply.headers.get("server-timing", "")
        if not SERVER_TIMING.fullmatch(header):
            return [f"{path} came back with Server-Timing {header!r}, not `app;dur=<ms>`"]
    return []


def check(site: Site) -> list[str]:
    replies, watched = at_once_watched(site, AT_ONCE, "GET", PATH, gather="/forecast")
    forecasts = carried(site, PATH, replies, "/forecast", "the weather API")
    problems = forecasts or untimed(PATH, replies) or watched
    city = site.request("GET", f"{PATH}city/Porto/")
    problems += unexpected(f"{PATH}city/Porto/", city, 200, {"city": "Porto"})
    if city.status == 200 and "sessionid=" not in city.headers.get("set-cookie", ""):
        problems.append(
            f"{PATH}city/Porto/ stored the city in the session, but no session cookie came "
            "back: the session middleware in front was done before the page ran"
        )
    about = site.request("GET", f"{PATH}about/")
    problems += unexpected(f"{PATH}about/", about, 200, {"course": "awaitlings", "chapter": 4})
    return problems + untimed(f"{PATH}about/", [about, city])


SCENARIO = Scenario(
    check=check,
    live=Live(PATH),
    unconfirmed="that no worker thread waits for the page: Django's adaptation of a sync-only"
    " middleware waits in `async_to_sync`, in a futex, as an idle thread does",
    shows_the_mistake=False,
)
