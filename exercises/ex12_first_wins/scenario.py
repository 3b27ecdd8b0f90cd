"""Outside check of exercise 12: the faster mirror's answer wins, and the slower call is cancelled.

Mirror a (the first of `MIRRORS`) is the slow one in this run, mirror b
answers after a second: the reply must be the answer of the view's own call to
mirror b, answered before the reply came back. Then a visitor asks again and
leaves while both mirrors are still thinking: both calls must end with the view.
"""

import socket
import time
from urllib.parse import urlsplit

from course.fake_api import Behaviour
from grader.sealed.scenario import Scenario, carried
from grader.sealed.site import Site

PATH = "/first_wins/"
SLOW, FAST = "/a/forecast", "/b/forecast"
LATENCY, SLOW_SECONDS = 1.0, 6.0  # how long each mirror takes to answer
ENDED_WITHIN = 2.0  # seconds after the answer (or the visitor leaving) for a call to be cancelled


def check(site: Site) -> list[str]:
    return the_first_answer_wins(site) or a_visitor_who_leaves_stops_both_calls(site)


def the_first_answer_wins(site: Site) -> list[str]:
    reply = site.request("GET", PATH)
    records = site.api.records
    slow_answered = records.answered[SLOW]  # before the view answered, or soon after
    asked = [f"mirror {path[1]}" for path in (SLOW, FAST) if records.calls[path]]
    if len(asked) < 2:
        return [
            f"the view asked only {asked[0] if asked else 'no mirror'} and answered after"
            f" {reply.seconds:.1f} s (mirror a was the slow one): ask both mirrors at once and"
            " answer with the first answer"
        ]
    if reply.status == 200 and reply.json() in [answer for *_, answer in records.answers[SLOW]]:
        return [
            f"the view answered after {reply.seconds:.1f} s with the slow mirror's forecast,"
            f" though mirror b had answered after {LATENCY:g} s: answer with the first answer"
        ]
    if problems := carried(site, PATH, [reply], FAST, "mirror b"):
        return problems
    if slow_answered:
        return ["the view waited for the slower mirror before answering: answer with the first"]
    site.api.settle(timeout=ENDED_WITHIN)
    if records.in_flight[SLOW]:
        return [
            f"the slower mirror's call was still running {ENDED_WITHIN:g} s after the view"
            " answered: cancel it"
        ]
    return []


def a_visitor_who_leaves_stops_both_calls(site: Site) -> list[str]:
    records = site.api.records
    before = records.answered[SLOW] + records.answered[FAST]
    address = urlsplit(site.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as visitor:
        visitor.sendall(f"GET {PATH} HTTP/1.1\r\nHost: {address.netloc}\r\n\r\n".encode())
        deadline = time.monotonic() + 10
        while not (records.in_flight[SLOW] and records.in_flight[FAST]):
            if time.monotonic() > deadline:
                return ["asked again, the view did not ask both mirrors within 10 s"]
            time.sleep(0.005)
    site.api.settle(timeout=ENDED_WITHIN)
    went_on = records.answered[SLOW] + records.answered[FAST] - before
    went_on += records.in_flight[SLOW] + records.in_flight[FAST]
    if went_on:
        calls = "both calls to the mirrors" if went_on > 1 else "one call to a mirror"
        return [
            f"a visitor left while both mirrors were thinking, but {calls} went on: cancel the"
            " calls when the view is cancelled too"
        ]
    return []


SCENARIO = Scenario(
    check=check,
    live="its lesson shows in one request: which mirror answers first",
    behaviour=Behaviour(latency=LATENCY, slow={SLOW: SLOW_SECONDS}),
    unconfirmed="that the view lets a visitor who leaves cancel it: one that catches the"
    " cancellation (`except BaseException`, `uncancel()`) still has both calls ended, and its"
    " late answer goes to nobody",
)
