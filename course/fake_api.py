"""A slow local stand-in for the course's APIs, for trying the views by hand.

    python -m course.fake_api                  # http://127.0.0.1:8001, 1 s per answer
    python -m course.fake_api --latency 2 --port 8002
    python -m course.fake_api --hang /forecast             # exercise 08: never answers
    python -m course.fake_api --fail /news=500             # exercise 09 (or /news=close)
    python -m course.fake_api --busy /forecast=2           # exercise 11: 503, 503, then 200
    python -m course.fake_api --slow /a/forecast=5         # exercise 12: a slow mirror

Exercise 15's parcel carrier answers at /track/<id> (`GET /track/A1`).

The answers are always the same ones (`ANSWERS`, `answer_for`). The grader's
own copy is given a salt, a secret drawn afresh for each of its servers: each
call's answer then keeps its shape but not its values (another city,
temperature, headline, price, parcel status, drawn from the salt and the
call's number), so a view shows an answer of the API only by asking for it,
and the grader knows which call brought it.

Each answer takes `--latency` seconds, like a real remote API, so you can see
with curl or a browser whether your views wait for it one request at a time
or all together. Every call is printed as it ends: answered, or abandoned by
the caller before the answer was ready (an async view that stops waiting when
its own visitor leaves shows up here). Each line starts with the time it was
printed and ends with the calls in flight at that moment, this one included:

    17:02:03.512 GET /prices/7 answered 200 after 1.00 s (5 in flight)

Calls made one after another end a latency apart, each alone in flight;
calls made together end at the same moment, the first of them with all of
them in flight (exercises 07 and 10). It listens on 127.0.0.1 only. The tests
never use it: they fake the APIs in-process.
"""

import argparse
import asyncio
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import uvicorn

DEFAULT_LATENCY = 1.0
ANSWERS = {
    "/forecast": {"city": "Lisbon", "temperature": 21, "sky": "clear"},
    "/weather": {"city": "Lisbon", "temperature": 21, "sky": "clear"},
    "/news": {"headline": "Async views ship"},
    "/stocks": {"AWAIT": 42.0},
    "/warehouse": {"receipt": 1001},  # exercise 23's receivers (any method): a receipt each
    "/mailer": {"receipt": 2002},
}


# What a salt draws from (`answer_for`): values of the same kind as the constant answers.
CITIES = ("Lisbon", "Porto", "Oslo", "Lima", "Quito", "Accra", "Hanoi", "Perth", "Turin", "Cork")
SKIES = ("clear", "cloudy", "rain", "fog", "snow", "storm")
WHEREABOUTS = ("out for delivery", "in transit", "at the depot", "held at customs", "delivered")


def answer_for(path: str, salt: str = "") -> dict | None:
    """The answer at `path` (None: not found). A non-empty `salt` changes its values, never
    its shape, the same way for the same salt: only one who knows the salt can tell it."""
    number = drawn(salt, path)
    if path.startswith("/prices/") and path.removeprefix("/prices/").isdigit():
        product = int(path.removeprefix("/prices/"))
        price = round(1 + number % 100_000 / 100, 2) if salt else product * 1.5
        return {"id": product, "price": price}
    parcel = path.removeprefix("/track/")
    if path.startswith("/track/") and parcel and "/" not in parcel:  # exercise 15's carrier
        if not salt:
            return {"id": parcel, "status": f"{parcel} is out for delivery"}
        whereabouts = WHEREABOUTS[number % len(WHEREABOUTS)]
        city = CITIES[number // len(WHEREABOUTS) % len(CITIES)]
        return {"id": parcel, "status": f"{parcel} is {whereabouts} near {city}"}
    if path in ("/a/forecast", "/b/forecast"):  # the two mirrors of exercise 12: one forecast
        return {**answer_for("/forecast", salt and f"{salt} mirrors"), "mirror": path[1]}
    answer = ANSWERS.get(path)
    if answer is None or not salt:
        return answer
    if path in ("/forecast", "/weather"):
        return {
            "city": CITIES[number % len(CITIES)],
            "temperature": number // len(CITIES) % 51 - 10,  # -10 to 40
            "sky": SKIES[number // len(CITIES) // 51 % len(SKIES)],
        }
    if path in ("/warehouse", "/mailer"):
        return {"receipt": number % 1_000_000}
    if path == "/news":
        return {"headline": f"Async views ship in release {number % 90 + 10}.{number // 90 % 100}"}
    return {"AWAIT": round(10 + number % 9_000 / 100, 2)}  # /stocks


def drawn(salt: str, path: str) -> int:
    """A large number that only `salt` and `path` decide."""
    digest = hashlib.sha256(f"{salt}\n{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


async def caller_left(receive) -> None:
    """Return when the caller closes the connection before the answer."""
    while (await receive())["type"] != "http.disconnect":
        pass


class DroppedOnPurpose(Exception):
    """Raised to make the server drop a connection; not an error worth a traceback."""


class QuietAboutDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, DroppedOnPurpose)


@dataclass
class Behaviour:
    """How the fake APIs misbehave, path by path (all answer normally by default)."""

    latency: float = DEFAULT_LATENCY
    slow: dict[str, float] = field(default_factory=dict)  # path → seconds
    fail: dict[str, str] = field(default_factory=dict)  # path → a status, or "close"
    hang: set[str] = field(default_factory=set)
    busy: dict[str, int] = field(default_factory=dict)  # path → 503s still to answer
    salt: str = ""  # non-empty: each call's answer is drawn from it and the call's number

    def describe(self) -> str:
        odd = [f"{path} takes {seconds:g} s" for path, seconds in self.slow.items()]
        odd += [f"{path} fails ({how})" for path, how in self.fail.items()]
        odd += [f"{path} never answers" for path in sorted(self.hang)]
        odd += [f"{path} is busy (503) {times} time(s) first" for path, times in self.busy.items()]
        return "; ".join(odd)


def say(line: str) -> None:
    print(line, flush=True)


def clock_time() -> str:
    """The time of day to the millisecond, as each printed line starts: `17:02:03.512`."""
    now = time.time()
    return f"{time.strftime('%H:%M:%S', time.localtime(now))}.{int(now % 1 * 1000):03d}"


def make_app(
    behaviour: Behaviour,
    report: Callable[[str], None] = say,
    clock: Callable[[], str] = clock_time,
):
    """The fake APIs as an ASGI app; `report` gets a line per call as it ends, starting with
    `clock()` and ending with the calls in flight then, this one included."""
    numbers: Counter[str] = Counter()  # calls so far, path by path
    in_flight = 0  # calls begun and not yet ended, to any path

    async def app(scope: dict, receive, send) -> None:
        nonlocal in_flight
        if scope["type"] != "http":
            return
        in_flight += 1
        try:
            await answer(scope, receive, send)
        finally:
            in_flight -= 1

    def line(text: str) -> None:
        report(f"{clock()} {text} ({in_flight} in flight)")

    async def answer(scope: dict, receive, send) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        path = scope["path"]
        # salted, no two calls to a path answer alike: the n-th ones of the mirrors agree
        salt = behaviour.salt and f"{behaviour.salt} {numbers[path]}"
        numbers[path] += 1
        call = f"{scope['method']} {path}"
        wait = None if path in behaviour.hang else behaviour.slow.get(path, behaviour.latency)
        left = asyncio.ensure_future(caller_left(receive))
        done, _ = await asyncio.wait({left}, timeout=wait)
        if done:
            line(f"{call} abandoned by the caller after {loop.time() - started:.2f} s")
            return
        left.cancel()
        answer = answer_for(path, salt)
        status = 200 if answer is not None else 404
        failure = behaviour.fail.get(path)
        if behaviour.busy.get(path, 0) > 0:
            behaviour.busy[path] -= 1
            status, answer = 503, {"error": "busy, try again later"}
        elif failure == "close":
            # Headers out, then an error: the server can only drop the connection,
            # and the caller sees a broken response (a transport error).
            await send({"type": "http.response.start", "status": 200, "headers": []})
            line(f"{call} dropped the connection after {loop.time() - started:.2f} s")
            raise DroppedOnPurpose(path)
        elif failure:
            status, answer = int(failure), {"error": f"failing on purpose with {failure}"}
        body = json.dumps(answer if answer is not None else {"error": "not found"}).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        line(f"{call} answered {status} after {loop.time() - started:.2f} s")

    return app


def path_and_value(text: str) -> tuple[str, str]:
    path, _, value = text.partition("=")
    if not path.startswith("/") or not value:
        raise argparse.ArgumentTypeError(f"expected PATH=VALUE, e.g. /forecast=3, not {text!r}")
    return path, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=DEFAULT_LATENCY, help="seconds per answer")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--slow", type=path_and_value, action="append", default=[], metavar="PATH=SECONDS"
    )
    parser.add_argument(
        "--fail",
        type=path_and_value,
        action="append",
        default=[],
        metavar="PATH=STATUS",
        help="answer with STATUS (e.g. 500), or `close` the connection without an answer",
    )
    parser.add_argument("--hang", action="append", default=[], metavar="PATH", help="never answer")
    parser.add_argument(
        "--busy",
        type=path_and_value,
        action="append",
        default=[],
        metavar="PATH=N",
        help="answer 503 the first N times, then normally",
    )
    options = parser.parse_args()
    behaviour = Behaviour(
        latency=options.latency,
        slow={path: float(seconds) for path, seconds in options.slow},
        fail=dict(options.fail),
        hang=set(options.hang),
        busy={path: int(times) for path, times in options.busy},
    )
    print(
        f"fake APIs on http://127.0.0.1:{options.port}, answering after {options.latency:g} s: "
        f"{', '.join(ANSWERS)}, /prices/<id>, /a/forecast, /b/forecast, /track/<id>",
        flush=True,
    )
    if odd := behaviour.describe():
        print(f"misbehaving on purpose: {odd}", flush=True)
    app = make_app(behaviour)
    logging.getLogger("uvicorn.error").addFilter(QuietAboutDrops())
    uvicorn.run(app, host="127.0.0.1", port=options.port, log_level="warning")


if __name__ == "__main__":
    main()
