"""Outside check of exercise 23: an order placed is told to the warehouse and the mailer, each
with the order, and their two calls are in flight together (the judge holds both until both
have come, or a while has passed).
"""

import threading
import time

from grader.sealed.scenario import Live, Scenario, unexpected
from grader.sealed.site import Site

PATH = "/async_signals/"
SERVICES = ("/warehouse", "/mailer")
ORDER = {"id": 7, "lines": [{"product": 1, "quantity": 2}]}
MEET = 10.0  # seconds for both calls to be in flight together


def check(site: Site) -> list[str]:
    records = site.api.records
    replies = []
    with site.api.holding(SERVICES[0]), site.api.holding(SERVICES[1]):
        placing = threading.Thread(
            target=lambda: replies.append(site.request("POST", PATH, json=ORDER))
        )
        placing.start()
        deadline = time.monotonic() + MEET
        while time.monotonic() < deadline and not all(records.in_flight[path] for path in SERVICES):
            time.sleep(0.02)
        together = all(records.in_flight[path] for path in SERVICES)
    placing.join()
    problems = unexpected(PATH, replies[0], 201, {"order": ORDER["id"], "told": 2})
    calls = {path: records.calls[path] for path in SERVICES}
    if calls != dict.fromkeys(SERVICES, 1):
        problems.append(f"an order placed at {PATH} made these calls: {calls}, not one each")
    elif not together:
        problems.append(
            f"the receivers of an order placed at {PATH} told the warehouse and the mailer one "
            f"after the other (not both in flight within {MEET:g} s): they did not run side by side"
        )
    return problems


SCENARIO = Scenario(check=check, live=Live(PATH, body=ORDER, method="POST"))
