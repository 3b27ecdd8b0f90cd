"""Outside check of exercise 03: five orders sent at once, each ready after its preparation
time, and the server's event loop never blocked while it prepared them."""

import ast
from pathlib import Path

from grader.sealed.scenario import Live, Scenario, at_once_watched, wrong_answers
from grader.sealed.site import Site

PATH = "/blocking_sleep/"
AT_ONCE = 5


def preparation_time() -> float:
    """PREPARATION_TIME as the trusted course ships it (a learner's copy may say 0)."""
    views = Path(__file__).with_name("views.py").read_text(encoding="utf-8")
    for statement in ast.parse(views).body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "PREPARATION_TIME"
            for target in statement.targets
        ):
            return float(ast.literal_eval(statement.value))
    raise LookupError(f"{PATH}: the shipped views.py sets no PREPARATION_TIME")


PREPARATION_TIME = preparation_time()


def check(site: Site) -> list[str]:
    replies, blocked = at_once_watched(site, AT_ONCE, "GET", PATH)
    wrong = wrong_answers(PATH, replies, {"order": "ready"})
    if wrong:
        return wrong
    quickest = min(reply.seconds for reply in replies)
    if quickest < PREPARATION_TIME:
        return [
            f"an order was ready after {quickest:.2f} s, but the kitchen needs "
            f"{PREPARATION_TIME:g} s: the view does not wait for the preparation"
        ]
    return blocked


SCENARIO = Scenario(
    check=check,
    live=Live(PATH),
    unconfirmed="that no worker thread waits in the loop's stead in a way the kernel shows as an"
    " idle thread's: on a lock, a queue or a Future's result without a timeout (a `time.sleep`"
    " moved into `asyncio.to_thread` shows, as `clock_nanosleep`)",
)
