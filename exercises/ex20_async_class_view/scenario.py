"""Outside check of exercise 20: the class's GET answers five forecasts at once, each with its
own call's answer and the server's loop never blocked, and its POST subscribes an address
and refuses one without an `@`.

As shipped, Django refuses the class when the urls are imported: the course
serves the exercise's pages as an error page naming the problem (500), and
every other exercise keeps working.
"""

from grader.sealed.scenario import Scenario, at_once_watched, carried, unexpected
from grader.sealed.site import Site

PATH = "/async_class_view/"
AT_ONCE = 5
ANA = "ana@example.com"


def check(site: Site) -> list[str]:
    replies, watched = at_once_watched(site, AT_ONCE, "GET", PATH, gather="/forecast")
    problems = carried(site, PATH, replies, "/forecast", "the weather API") or watched
    subscribed = site.request("POST", PATH, json={"email": ANA})
    refused = site.request("POST", PATH, json={"email": "ana"})
    return (
        problems
        + unexpected(f"POST {PATH}", subscribed, 201, {"subscribed": ANA})
        + unexpected(
            f"POST {PATH} without an @", refused, 400, {"error": "an email address, please"}
        )
    )


SCENARIO = Scenario(
    check=check,
    live="its mistake stops the page from loading at all",
    unconfirmed="that no worker thread waits for the loop's call: `async_to_sync` in a sync"
    " handler waits in a futex, as an idle thread does (a sync client in a thread shows, as"
    " `poll`)",
)
