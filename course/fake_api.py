"""A slow local stand-in for the weather API, for trying the course by hand.

    python -m course.fake_api      # http://127.0.0.1:8001: every API the exercises call

Each answer takes `LATENCY` seconds, like a real remote API, so you can see
with curl or a browser whether your views wait for it one request at a time
or all together. It listens on 127.0.0.1 only. The tests never use it: they
fake the API in-process with respx.
"""

import asyncio
import json

import uvicorn

LATENCY = 1.0
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


async def app(scope: dict, receive, send) -> None:
    if scope["type"] != "http":
        return
    await asyncio.sleep(LATENCY)
    answer = answer_for(scope["path"])
    found = answer is not None
    body = json.dumps(answer if found else {"error": "not found"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200 if found else 404,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=8001, log_level="warning")
