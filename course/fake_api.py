"""A slow local stand-in for the course's APIs, for trying the views by hand.

    python -m course.fake_api                  # http://127.0.0.1:8001, 1 s per answer
    python -m course.fake_api --latency 2 --port 8002

Each answer takes `--latency` seconds, like a real remote API, so you can see
with curl or a browser whether your views wait for it one request at a time
or all together. Every call is printed as it ends: answered, or abandoned by
the caller before the answer was ready (an async view that stops waiting when
its own visitor leaves shows up here). It listens on 127.0.0.1 only. The tests
never use it: they fake the APIs in-process.
"""

import argparse
import asyncio
import json

import uvicorn

DEFAULT_LATENCY = 1.0
ANSWERS = {
    "/forecast": {"city": "Lisbon", "temperature": 21, "sky": "clear"},
    "/weather": {"city": "Lisbon", "temperature": 21, "sky": "clear"},
    "/news": {"headline": "Async views ship"},
    "/stocks": {"AWAIT": 42.0},
}


def answer_for(path: str) -> dict | None:
    if path.startswith("/prices/") and path.removeprefix("/prices/").isdigit():
        product = int(path.removeprefix("/prices/"))
        return {"id": product, "price": product * 1.5}
    if path in ("/a/forecast", "/b/forecast"):  # the two mirrors of exercise 12
        return {**ANSWERS["/forecast"], "mirror": path[1]}
    return ANSWERS.get(path)


async def caller_left(receive) -> None:
    """Return when the caller closes the connection before the answer."""
    while (await receive())["type"] != "http.disconnect":
        pass


def make_app(latency: float):
    async def app(scope: dict, receive, send) -> None:
        if scope["type"] != "http":
            return
        loop = asyncio.get_running_loop()
        started = loop.time()
        call = f"{scope['method']} {scope['path']}"
        left = asyncio.ensure_future(caller_left(receive))
        done, _ = await asyncio.wait({left}, timeout=latency)
        if done:
            print(f"{call} abandoned by the caller after {loop.time() - started:.2f} s", flush=True)
            return
        left.cancel()
        answer = answer_for(scope["path"])
        status = 200 if answer is not None else 404
        body = json.dumps(answer if answer is not None else {"error": "not found"}).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        print(f"{call} answered {status} after {loop.time() - started:.2f} s", flush=True)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=DEFAULT_LATENCY, help="seconds per answer")
    parser.add_argument("--port", type=int, default=8001)
    options = parser.parse_args()
    print(
        f"fake APIs on http://127.0.0.1:{options.port}, answering after {options.latency:g} s: "
        f"{', '.join(ANSWERS)}, /prices/<id>, /a/forecast, /b/forecast",
        flush=True,
    )
    app = make_app(options.latency)
    uvicorn.run(app, host="127.0.0.1", port=options.port, log_level="warning")


if __name__ == "__main__":
    main()
