"""One scenario per exercise: what a real server shows when the exercise is solved.

Each exercise may declare, in `exercises/<folder>/scenario.py` (protected,
beside its tests), a `SCENARIO`: how the judge's fake API behaves, what rows
the database starts with, and a `check` that sends requests to the course
served by uvicorn and returns what contradicts the lesson, in plain words (an
empty list: the server shows the exercise solved). Three consumers read it:
sealed grading (a point needs the check's agreement), the truth check
(`tests/test_truth.py`: the shipped course fails it, the solved one passes),
and the README's claims, which the check's sentences quote.

An exercise whose lesson shows no difference outside the server process
(exercise 01 under uvicorn: Django gives a sync view a thread of its own)
says so in `unconfirmed`; its scenario then checks only what can be seen.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter

from course.catalog import Exercise
from course.fake_api import Behaviour
from grader.sealed.loopwatch import LoopReport, LoopWatch
from grader.sealed.site import Reply, Site, cpu_seconds


@dataclass(frozen=True)
class Live:
    """What `python grader live` sends the exercise's view: `visitors` requests at once."""

    path: str
    visitors: int = 10
    method: str = "GET"
    body: object = None  # JSON, for a POST
    # A path of the fake API: the visitors leave once all their calls to it are in flight
    # (held there), and what the calls do then is shown (abandoned, or answered for nobody).
    leave_once_called: str = ""


@dataclass(frozen=True)
class Scenario:
    check: Callable[[Site], list[str]]
    behaviour: Behaviour = field(default_factory=Behaviour)
    rows: str = ""  # Python run by `django shell` on the trusted side: the database's rows
    unconfirmed: str = ""  # what of the lesson a server cannot show, when something cannot
    shows_the_mistake: bool = True  # False: the shipped exercise looks solved to a server too
    # `python grader live`: what it sends, or why the exercise has no live run (a sentence)
    live: Live | str = "its lesson does not show in requests sent at once"


def load_scenario(exercise: Exercise) -> Scenario | None:
    """The exercise's `SCENARIO`, from its folder in the trusted course; None when it has none."""
    path = exercise.path / "scenario.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"awaitlings_scenario_{exercise.folder}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SCENARIO


def unexpected(path: str, reply: Reply, status: int, body: object) -> list[str]:
    """A problem when `reply` is not `status` with the JSON `body`; none when it is."""
    if reply.status == status and reply.json() == body:
        return []
    return [f"{path} answered {reply.shown()} instead of {status} {json.dumps(body)}"]


def one_after_another(
    site: Site, count: int, calls: list[tuple[float, float]] | None = None
) -> list[str]:
    """A problem when fewer than `count` of `calls` ((start, end) of each: those whose answers
    a reply carries, see `carried_calls`) were ever in flight together; without `calls`, any
    calls to the fake API.

    Counting only the calls a reply carries matters: extra calls made for show (started in the
    background while the view awaits its real calls one by one) would lift the overall peak.
    """
    peak = site.api.records.peak_overall if calls is None else most_at_once(calls)
    if peak >= count:
        return []
    were = "was" if peak == 1 else "were"
    return [
        f"only {peak} of the {count} API calls {were} in flight at once: the view waited for"
        " each call to finish before starting the next"
    ]


def wrong_answers(
    path: str, replies: list[Reply], expected: object, status: int = 200
) -> list[str]:
    """A problem when a reply is not `status` with the JSON `expected`; none when all are."""
    wrong = [reply for reply in replies if reply.status != status or reply.json() != expected]
    if not wrong:
        return []
    if len(replies) == 1:
        return unexpected(path, wrong[0], status, expected)
    return [
        f"{len(wrong)} of {len(replies)} requests to {path} were not answered "
        f"{status} {json.dumps(expected)}; the first got {wrong[0].shown()}"
    ]


def side_by_side(site: Site, path: str, replies: list[Reply], api_path: str, api: str) -> list[str]:
    """A problem when the calls to `api_path` whose answers `replies` (sent at once to `path`)
    carry were not all in flight together, as the judge's fake API timed them. Check
    `carried` first: a reply whose answer cannot be traced has no call to count.
    """
    count = len(replies)
    peak = most_at_once(carried_calls(site, replies, api_path))
    if peak >= count:
        return []
    calls = "call" if peak == 1 else "calls"
    return [
        f"{count} requests sent at once to {path} had at most {peak} {calls} to {api} in flight "
        f"at a time, not {count}: the server made each wait for the others instead of letting "
        "them wait side by side"
    ]


def warm_up(site: Site, method: str, path: str, **options: object) -> None:
    """One request before the watched ones: a view's first request runs lazy imports on the
    loop thread (anyio's backend, httpx's transport: 0.1 s of CPU under load, judged a busy
    loop), which no later request repeats. Only for requests that change nothing (GET); the
    fake API forgets its calls."""
    assert method == "GET", "a warm-up request must change nothing"
    site.request(method, path, **options)  # type: ignore[arg-type]
    site.api.settle()
    site.api.forget()


def request_watched(
    site: Site, method: str, path: str, threads_may_wait: bool = False, **options: object
) -> tuple[Reply, list[str]]:
    """One request while LoopWatch watches the server: the reply, and the problems `watched`
    finds."""
    warm_up(site, method, path, **options)
    records = site.api.records
    before = records.total(records.calls)
    with LoopWatch(site.pid) as watch:
        reply = site.request(method, path, **options)  # type: ignore[arg-type]
    api_calls = records.total(records.calls) - before
    return reply, watched(watch.report(), 1, api_calls, threads_may_wait)


GATHER = 10.0  # seconds for requests sent at once to all have their calls in flight


def at_once_watched(
    site: Site, count: int, method: str, path: str, gather: str = ""
) -> tuple[list[Reply], list[str]]:
    """Send `count` requests at once while LoopWatch watches the server: the replies, and the
    problems `watched` finds. With `gather` (an API path), its calls meet there first
    (`JudgeAPI.gathering`): side by side, they all overlap however loaded the machine is. A
    loop blocked for good lets no other call come: they stop waiting then, not after GATHER."""
    warm_up(site, method, path)
    records = site.api.records
    before = records.total(records.calls)  # counted as each call starts: no race with answers
    with LoopWatch(site.pid) as watch:
        futile = lambda: watch.report().blocked_for_good(count)  # noqa: E731
        gathered = site.api.gathering(gather, count, GATHER, futile) if gather else None
        with gathered or contextlib.nullcontext():
            _seconds, replies = site.at_once(count, method, path)
    api_calls = records.total(records.calls) - before
    return replies, watched(watch.report(), count, api_calls)


AFTER = 5  # once every visitor's calls are in flight, all are answered within this many latencies
GATHER_LIMIT = 60.0  # seconds the visitors' calls may take to meet while the server keeps busy
BUSY = 0.05  # seconds of CPU the server used in the last second of waiting: still at work


def visitors_side_by_side(
    site: Site, path: str, visitors: int, apis: dict[str, str], latency: float
) -> list[str]:
    """Send `visitors` requests to `path` at once, each to make one call to every API of
    `apis` (a part of the view's JSON → the API's path): a problem unless all those calls
    were in flight together (they meet first: `JudgeAPI.gathering`), each visitor got the
    answers of their own calls, the last of them within AFTER latencies of the meeting, and
    the server's event loop neither blocked nor a worker thread waited meanwhile (`watched`).

    A server whose visitors queue is killed once the calls failed to meet: it would keep
    the check for a minute, answering them one after another.
    """
    records = site.api.records
    calls = visitors * len(apis)
    with (
        contextlib.ExitStack() as holds,
        ThreadPoolExecutor(max_workers=1) as sender,
        LoopWatch(site.pid) as watch,
    ):
        for api_path in apis.values():
            holds.enter_context(site.api.gathering(api_path, visitors, GATHER_LIMIT))
        sent = time.perf_counter()
        visits = sender.submit(site.at_once, visitors, "GET", path)
        _until_met(site, lambda: records.peak_overall >= calls or visits.done(), sent)
        met, peak = time.perf_counter(), records.peak_overall
        if peak < calls:
            if not visits.done():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(site.pid, signal.SIGKILL)
            were = "was" if peak == 1 else "were"
            return [
                f"{visitors} visitors asked for {path} at once, but at most {peak} of their "
                f"{calls} calls to the APIs {were} in flight together — "
                f"{_why_they_queued(peak, visitors, len(apis))}"
            ]
        _seconds, replies = visits.result()
    for part, api_path in apis.items():
        if problems := carried(site, path, replies, api_path, api_path, itemgetter(part)):
            return problems
    last = max(reply.ended for reply in replies) - met
    if last <= AFTER * latency:
        return watched(watch.report(), visitors, calls)
    return [
        f"all {calls} calls of the {visitors} visitors were in flight together, but the last "
        f"visitor got the page {last:.1f} s later (the APIs answer in {latency:g} s): after "
        "its calls, the view makes each visitor wait for the others"
    ]


def _until_met(site: Site, met: Callable[[], bool], sent: float) -> None:
    """Wait until `met()`: GATHER seconds, and longer, up to GATHER_LIMIT, while the server
    keeps working. On a loaded machine a correct server can take longer than GATHER to get
    every visitor's calls out (each `httpx.AsyncClient` made builds a TLS context: CPU the
    event loop spends before any of their calls leaves); a server whose loop sits blocked
    in a wait for a held call uses no CPU, and is not waited for past GATHER."""
    deadline, limit = sent + GATHER, sent + GATHER_LIMIT
    used = cpu_seconds(site.pid)
    while not met():
        now = time.perf_counter()
        if now > deadline:
            before, used = used, cpu_seconds(site.pid)
            if used - before < BUSY or now > limit:
                return
            deadline = now + 1
        time.sleep(0.02)


def _why_they_queued(peak: int, visitors: int, calls_each: int) -> str:
    """What a server did whose visitors' calls were at most `peak` in flight at once."""
    if peak <= calls_each:
        return (
            "the server let in one visitor at a time: a visitor's wait held the event loop (a "
            "sync client, `time.sleep`), and no other request got in meanwhile"
        )
    if peak == visitors:
        return (
            "every visitor got in, but each one's calls went one after another: start a "
            "visitor's calls together"
        )
    return (
        f"only {peak} calls went out at once: the others waited their turn for one of a few "
        "threads (`asyncio.to_thread` runs in the loop's pool of min(32, CPUs + 4)), a client's "
        "connections (`httpx.Limits(max_connections=…)`), or a semaphore's places"
    )


def watched(
    report: LoopReport, requests: int, api_calls: int, threads_may_wait: bool = False
) -> list[str]:
    """The problems LoopWatch saw while the server served `requests` making `api_calls`: its
    loop thread blocked (a wait on a thread's result included), or, unless
    `threads_may_wait` (the async ORM's queries wait in threads), a worker thread waited (a
    sleep, a sync client, a loop of its own: the in-process tests' `ThreadWaits`)."""
    problems = [report.blocking(requests, api_calls)]
    if not threads_may_wait:
        problems.append(report.held_threads(requests))
    return [problem for problem in problems if problem]


def unlike(path: str, reply: Reply, fits: Callable[[object], bool], expected: str) -> list[str]:
    """A problem when `reply` is not 200 with a JSON body that `fits` (`expected` says what)."""
    try:
        if reply.status == 200 and fits(reply.json()):
            return []
    except (LookupError, TypeError):
        pass
    return [f"{path} answered {reply.shown()} instead of 200 {expected}"]


def listed(
    site: Site, path: str, reply: Reply, key: str, calls: list[tuple[str, str]], expected: str
) -> list[str]:
    """A problem unless `reply` is 200 with `{key: [...]}` holding, in place i, the answer of
    a call made for it to `calls[i]` = (API path, what the API is called in a sentence)."""
    problems = unlike(
        path,
        reply,
        lambda body: list(body) == [key] and len(body[key]) == len(calls),
        expected,
    )
    for index, (api_path, api) in enumerate(calls):
        problems = problems or carried(
            site, path, [reply], api_path, api, lambda body, index=index: body[key][index]
        )
    return problems


def parts_carried(
    site: Site, path: str, reply: Reply, apis: dict[str, str]
) -> tuple[list[str], list[tuple[float, float]]]:
    """For a reply whose JSON holds, under each key of `apis`, the answer of a call of its own
    to that API path: the first problem `carried` finds, and (when none) the calls it carried,
    as `carried_calls` gives them."""
    calls: list[tuple[float, float]] = []
    for part, api_path in apis.items():
        answer = lambda body, part=part: body[part]  # noqa: E731
        if problems := carried(site, path, [reply], api_path, f"the {part} API", answer):
            return problems, []
        calls += carried_calls(site, [reply], api_path, answer)
    return [], calls


def listed_calls(
    site: Site, reply: Reply, key: str, api_paths: list[str]
) -> list[tuple[float, float]]:
    """(start, sent) of the calls whose answers `reply` lists under `key`, in place i the
    call to `api_paths[i]` (see `listed`)."""
    return [
        call
        for index, api_path in enumerate(api_paths)
        for call in carried_calls(
            site, [reply], api_path, lambda body, index=index: body[key][index]
        )
    ]


def whole(body: object) -> object:
    return body


def carried(
    site: Site,
    path: str,
    replies: list[Reply],
    api_path: str,
    api: str,
    part: Callable[[object], object] = whole,
) -> list[str]:
    """A problem unless each reply is 200 and carries (as its JSON, or its JSON's `part`) the
    answer the fake API gave a call of its own to `api_path`, made after the request was sent
    and answered before the reply came back.

    The judge's fake API answers each call anew (salted: `JudgeAPI`) and keeps every answer
    with its times, so a reply is traced to the very call whose answer it carries: an answer
    known beforehand, kept from an earlier call, or shared with another request is not one.
    """
    calls = site.api.records.answers[api_path]
    pieces = [_piece(reply, part) for reply in replies]
    known = [answer for _started, _sent, answer in calls]
    strangers = [
        reply
        for reply, piece in zip(replies, pieces, strict=True)
        if piece is None or piece not in known
    ]
    if strangers:
        if len(replies) == 1:
            return [f"{path} answered {strangers[0].shown()}, not {api}'s answer to its call"]
        return [
            f"{len(strangers)} of {len(replies)} requests to {path} were not answered with "
            f"{api}'s answer to their call; the first got {strangers[0].shown()}"
        ]
    unmatched = len(replies) - len(_matched(_owners(calls, replies, pieces)))
    if not unmatched:
        return []
    if len(replies) == 1:
        return [
            f"{path} answered with {api}'s answer to a call not made for it (before the request"
            " came, or answered after the reply): answer with what the API gave this request"
        ]
    return [
        f"{unmatched} of {len(replies)} requests to {path} were answered with {api}'s answer to "
        "a call not made for them (before they came, or for another request): each request's "
        "answer must be what the API gave it"
    ]


def carried_calls(
    site: Site, replies: list[Reply], api_path: str, part: Callable[[object], object] = whole
) -> list[tuple[float, float]]:
    """(start, sent) of the calls to `api_path` whose answers `replies` carry (their JSON, or
    its `part`), each traced to one reply as `carried` traces them."""
    calls = site.api.records.answers[api_path]
    pieces = [_piece(reply, part) for reply in replies]
    owned = _matched(_owners(calls, replies, pieces))
    return [(calls[call][0], calls[call][1]) for call in owned]


def most_at_once(calls: list[tuple[float, float]]) -> int:
    """The most of `calls` ((start, end) each) in flight at one instant. A call that ends as
    another starts does not overlap it."""
    events = sorted([(end, -1) for _start, end in calls] + [(start, 1) for start, _end in calls])
    peak = in_flight = 0
    for _time, change in events:  # at equal times, ends (-1) come first
        in_flight += change
        peak = max(peak, in_flight)
    return peak


def _owners(
    calls: list[tuple[float, float, object]], replies: list[Reply], pieces: list[object]
) -> list[list[int]]:
    """For each reply, the calls that may own it: with its answer, made and answered while
    the request was open."""
    return [
        [
            call
            for call, (started, sent, answer) in enumerate(calls)
            if answer == piece and reply.started <= started and sent <= reply.ended
        ]
        for reply, piece in zip(replies, pieces, strict=True)
    ]


def _piece(reply: Reply, part: Callable[[object], object]) -> object:
    """What `reply` carries: `part` of its JSON, None when it is not a 200 or has no such part."""
    if reply.status != 200:
        return None
    try:
        return part(reply.json())
    except (LookupError, TypeError):
        return None


def _matched(owners: list[list[int]]) -> dict[int, int]:
    """A call of its own for as many replies as can get one among those that may own it
    (`owners[reply]`): a largest matching, by augmenting paths, as {call: reply}."""
    owner: dict[int, int] = {}  # call → reply

    def place(reply: int, seen: set[int]) -> bool:
        for call in owners[reply]:
            if call not in seen:
                seen.add(call)
                if call not in owner or place(owner[call], seen):
                    owner[call] = reply
                    return True
        return False

    for reply in range(len(owners)):
        place(reply, set())
    return owner
