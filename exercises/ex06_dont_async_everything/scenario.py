"""Outside check of exercise 06: registrations get the right digest, and the hashing does not
run on the server's event loop thread.

LoopWatch reads the loop thread's CPU time from the kernel. The grader times
the same hashing itself, so the judgement holds on a fast machine and a slow
one alike: thirty registrations whose hashing ran on the loop cost it thirty
hashes of CPU and more (measured: 0.015-0.017 s per request, 0.014 s of it
hashing); in worker threads, the loop only handles the requests (0.002-0.003
s each, under two CPU hogs too). The line between them is 0.4 of a hash per
request. One hash is timed as the least of ten runs, before and after the
requests: a busy sibling core can slow a few runs down, rarely all ten.
"""

import runpy
import secrets
import time
from pathlib import Path

from grader.sealed.loopwatch import LoopWatch
from grader.sealed.scenario import Live, Scenario, unexpected
from grader.sealed.site import Site, send

PATH = "/dont_async_everything/"
PASSWORD = "correct horse battery staple"
REGISTRATIONS = 30  # one after another, on one connection: only the loop's CPU time matters
ON_THE_LOOP = 0.4  # share of the hashing's CPU time the loop thread used: it hashed there
# The trusted course's hashing (the learner edits views.py only).
hash_password = runpy.run_path(str(Path(__file__).with_name("passwords.py")))["hash_password"]


def hashing_seconds() -> float:
    """CPU seconds one hash takes: the least of five runs in the grader's own thread."""
    runs = []
    for _ in range(5):
        started = time.thread_time()
        hash_password(PASSWORD)
        runs.append(time.thread_time() - started)
    return min(runs)


def check(site: Site) -> list[str]:
    before = hashing_seconds()
    # A password of its own for each registration, drawn now: no digest can be kept and reused
    # (red team, issue 14: thirty alike let a view hash once on the loop and remember it).
    passwords = [f"{PASSWORD} {secrets.token_hex(8)}" for _ in range(REGISTRATIONS)]
    with LoopWatch(site.pid) as watch, site.client() as client:
        replies = [send(client, "POST", PATH, {"password": password}) for password in passwords]
    for password, reply in zip(passwords, replies, strict=True):
        if wrong := unexpected(PATH, reply, 200, {"digest": hash_password(password)}):
            return wrong
    report = watch.report()
    used, one_hash = report.cpu_seconds, min(before, hashing_seconds())
    if used >= ON_THE_LOOP * REGISTRATIONS * one_hash:
        return [
            f"the server's event loop thread used {used:.2f} s of CPU for {REGISTRATIONS} "
            f"registrations, and hashing their passwords takes {REGISTRATIONS * one_hash:.2f} s "
            "of CPU (as the grader timed it): the hashing ran on the event loop, and no other "
            "request could move meanwhile"
        ]
    # Hashing handed to a thread and waited for on the loop (a Future's result) blocks it too.
    blocked = report.blocking(requests=REGISTRATIONS)
    return [blocked] if blocked else []


SCENARIO = Scenario(check=check, live=Live(PATH, body={"password": PASSWORD}, method="POST"))
