"""Deliberately right and wrong views, for the harness's own tests.

Each probe of `course.testing` must go red on the wrong view here and stay
green on the right one.
"""

import asyncio
import contextlib
import hashlib
import logging
import multiprocessing
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from random import randint
from time import sleep as pause

import aiohttp
import httpx
import requests
from asgiref.sync import async_to_sync, sync_to_async
from django.core.cache import cache
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.cache import cache_page

API = "https://api.example"


async def fetch(path: str = "/item") -> dict:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{API}{path}")
        return response.json()


async def sleeps_blocking(request: HttpRequest) -> JsonResponse:
    time.sleep(0.01)
    return JsonResponse({})


async def hides_blocking(request: HttpRequest) -> JsonResponse:
    with contextlib.suppress(Exception):  # swallowing must not hide the blocking call
        time.sleep(0.01)
    return JsonResponse({})


async def sleeps_async(request: HttpRequest) -> JsonResponse:
    await asyncio.sleep(30)
    return JsonResponse({})


def sync_sleeps(request: HttpRequest) -> JsonResponse:
    time.sleep(0.01)  # holds its worker thread while it waits
    return JsonResponse({})


async def sync_client_on_loop(request: HttpRequest) -> JsonResponse:
    with httpx.Client() as client:
        return JsonResponse(client.get(f"{API}/item").json())


def sync_client_in_thread(request: HttpRequest) -> JsonResponse:
    with httpx.Client() as client:
        return JsonResponse(client.get(f"{API}/item").json())


def async_to_sync_in_thread(request: HttpRequest) -> JsonResponse:
    return JsonResponse(async_to_sync(fetch)())


async def asyncio_run_in_thread(request: HttpRequest) -> JsonResponse:
    return JsonResponse(await asyncio.to_thread(asyncio.run, fetch()))


async def one_after_another(request: HttpRequest) -> JsonResponse:
    items = [await fetch(f"/item/{n}") for n in range(3)]
    return JsonResponse({"items": items})


async def all_at_once(request: HttpRequest) -> JsonResponse:
    items = await asyncio.gather(*(fetch(f"/item/{n}") for n in range(3)))
    return JsonResponse({"items": items})


async def forgets_await(request: HttpRequest) -> JsonResponse:
    fetch()
    return JsonResponse({})


async def awaits(request: HttpRequest) -> JsonResponse:
    return JsonResponse(await fetch())


def digest() -> str:
    return hashlib.sha256(b"work").hexdigest()


async def hashes_on_loop(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"digest": digest()})


async def hashes_in_thread(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"digest": await asyncio.to_thread(digest)})


async def calls_unmocked(request: HttpRequest) -> JsonResponse:
    return JsonResponse(await fetch("/not-served"))


async def calls_real_network(request: HttpRequest) -> JsonResponse:
    async with httpx.AsyncClient() as client:
        await client.get("https://real-host.example/")
    return JsonResponse({})


async def starts_and_forgets(request: HttpRequest) -> JsonResponse:
    asyncio.get_running_loop().create_task(fetch())  # never awaited nor cancelled
    return JsonResponse({})


async def status_of(request: HttpRequest, n: int) -> JsonResponse:
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{API}/item/{n}")
    except httpx.TransportError as error:
        return JsonResponse({"error": type(error).__name__})
    return JsonResponse({"status": response.status_code, "json": response.json()})


async def starts_then_cancels(request: HttpRequest) -> JsonResponse:
    task = asyncio.get_running_loop().create_task(fetch())
    await asyncio.sleep(1)  # the call is in flight at the fake upstream
    task.cancel()
    return JsonResponse({})


async def logs_and_prints(request: HttpRequest) -> JsonResponse:
    logging.getLogger(__name__).warning("serving %s", request.path)
    print("serving", request.path)
    return JsonResponse({})


async def sleeps_imported_by_name(request: HttpRequest) -> JsonResponse:
    pause(0.01)
    return JsonResponse({})


async def requests_on_loop(request: HttpRequest) -> JsonResponse:
    return JsonResponse(requests.get(f"{API}/item", timeout=10).json())


def requests_in_thread(request: HttpRequest) -> JsonResponse:
    return JsonResponse(requests.get(f"{API}/item", timeout=10).json())


async def aiohttp_get(request: HttpRequest) -> JsonResponse:
    timeout = aiohttp.ClientTimeout(total=2)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"{API}/item") as response,
        ):
            return JsonResponse(await response.json())
    except TimeoutError as error:
        return JsonResponse({"error": type(error).__name__})


async def limited_pool(request: HttpRequest) -> JsonResponse:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=2)) as client:
        responses = await asyncio.gather(*(client.get(f"{API}/item") for _ in range(6)))
    return JsonResponse({"items": len(responses)})


async def runs_a_loop_of_its_own(request: HttpRequest) -> JsonResponse:
    return JsonResponse(asyncio.run(fetch()))


async def uses_an_unawaited_response(request: HttpRequest) -> JsonResponse:
    async with httpx.AsyncClient() as client:
        response = client.get(f"{API}/item")
        return JsonResponse(response.json())


async def unpacks_an_unawaited_gather(request: HttpRequest) -> JsonResponse:
    first, second = asyncio.gather(fetch(), fetch())
    return JsonResponse({"first": first, "second": second})


async def hands_a_result_to_a_thread(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"digest": await asyncio.to_thread(digest())})


async def exits(request: HttpRequest) -> JsonResponse:
    sys.exit(3)


async def raises(request: HttpRequest) -> JsonResponse:
    raise ValueError("the first line\nand a second one")


async def answers_when_cancelled(request: HttpRequest) -> JsonResponse:
    try:
        return JsonResponse(await fetch())
    except asyncio.CancelledError:
        return JsonResponse({"error": "cancelled"}, status=499)


async def ignores_cancellation(request: HttpRequest) -> JsonResponse:
    while True:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(1)


STREAM_CLEANED_UP: list[str] = []  # which of the streams below ran their `finally`


def _stream(events) -> StreamingHttpResponse:
    return StreamingHttpResponse(events(), content_type="text/event-stream")


async def streams_through_cancellation(request: HttpRequest) -> StreamingHttpResponse:
    # Quart's guide, "Detecting disconnection": the cancellation caught inside the loop.
    async def events():
        try:
            while True:
                try:
                    yield "data: tick\n\n"
                    await asyncio.sleep(1)
                except asyncio.CancelledError:
                    pass
        finally:
            STREAM_CLEANED_UP.append("streams_through_cancellation")

    return _stream(events)


async def stream_swallows_cancellation(request: HttpRequest) -> StreamingHttpResponse:
    # Quart's guide's short form: `except asyncio.CancelledError:` and nothing more.
    async def events():
        try:
            while True:
                yield "data: tick\n\n"
                await asyncio.sleep(1)
        except asyncio.CancelledError:
            pass

    return _stream(events)


async def streams_through_everything(request: HttpRequest) -> StreamingHttpResponse:
    async def events():
        while True:
            try:
                yield "data: tick\n\n"
                await asyncio.sleep(1)
            except BaseException:  # the mistake under test
                pass

    return _stream(events)


async def draws(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "random": random.random(),
            "uniform": random.uniform(0, 10),
            "randint": randint(1, 6),
            "instance": random.Random(7).uniform(2, 3),
        }
    )


# forkserver: forking this multi-threaded test process could deadlock the child.
POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))


async def hashes_in_a_process(request: HttpRequest) -> JsonResponse:
    result = await asyncio.get_running_loop().run_in_executor(POOL, digest)
    return JsonResponse({"digest": result})


READY = asyncio.Event()  # module-level: bound to the loop that first waits on it


async def waits_from_two_loops(request: HttpRequest) -> JsonResponse:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(READY.wait(), 0.01)  # binds READY to the server's loop
    await asyncio.to_thread(asyncio.run, READY.wait())  # a second loop waits on it
    return JsonResponse({})


serial = asyncio.Lock()


async def serialised(request: HttpRequest) -> JsonResponse:
    # Requests served one at a time: no coroutines awaited in turn.
    async with serial:
        return JsonResponse(await fetch())  # serialised


@cache_page(60)
async def cached_page(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})


async def answers_html(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<h1>Not Found</h1>", status=404)


async def pool_in_a_with_block(request: HttpRequest) -> JsonResponse:
    with ThreadPoolExecutor() as pool:  # its end waits for the pool's threads
        await asyncio.get_running_loop().run_in_executor(pool, len, "x")
    return JsonResponse({})


async def pool_left_to_end(request: HttpRequest) -> JsonResponse:
    pool = ThreadPoolExecutor()
    await asyncio.get_running_loop().run_in_executor(pool, len, "x")
    pool.shutdown(wait=False)  # returns at once
    return JsonResponse({})


def sync_one_after_another(request: HttpRequest) -> JsonResponse:
    with httpx.Client() as client:
        items = [client.get(f"{API}/item/{n}").json() for n in range(3)]
    return JsonResponse({"items": items})


async def gathers_two_endpoints(request: HttpRequest) -> JsonResponse:
    items = await asyncio.gather(*(fetch("/item") for _ in range(2)), fetch("/other"))
    return JsonResponse({"items": items})


async def aiohttp_per_request_timeout(request: HttpRequest) -> JsonResponse:
    try:
        async with (
            aiohttp.ClientSession() as session,  # the session's own timeout: five minutes
            session.get(f"{API}/item", timeout=aiohttp.ClientTimeout(total=2)) as response,
        ):
            return JsonResponse(await response.json())
    except TimeoutError as error:
        return JsonResponse({"error": type(error).__name__})


async def hands_a_result_to_sync_to_async(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"digest": await sync_to_async(digest())()})


async def hands_a_result_to_an_executor(request: HttpRequest) -> JsonResponse:
    loop = asyncio.get_running_loop()
    return JsonResponse({"digest": await loop.run_in_executor(None, digest())})


async def hashes_in_a_thread_then_on_the_loop(request: HttpRequest) -> JsonResponse:
    first = await asyncio.to_thread(digest)
    return JsonResponse({"digests": [first, digest()]})  # the second, on the loop


async def forgets_await_in_a_cycle(request: HttpRequest) -> JsonResponse:
    kept = {"call": fetch()}  # never awaited, and only the garbage collector frees it:
    kept["itself"] = kept  # the dict refers to itself
    return JsonResponse({})


class UnwatchedDriverCursor:
    """A database driver's cursor that blockbuster knows nothing of, as psycopg's (it watches
    sqlite3's calls alone)."""

    def execute(self, sql: str, params: object = None) -> None:
        pass

    def fetchone(self) -> tuple[int]:
        return (1,)


async def queries_on_the_loop(request: HttpRequest) -> JsonResponse:
    cursor = CursorWrapper(UnwatchedDriverCursor(), connection)
    cursor.execute("SELECT 1")  # a query through Django's cursor, on the loop
    return JsonResponse({"one": cursor.fetchone()[0]})


async def misses_the_cache_on_the_loop(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"cached": cache.get("never set")})  # a miss opens no file


async def writes_a_file_on_the_loop(request: HttpRequest) -> JsonResponse:
    with open(os.devnull, "w") as log:  # a file, though it keeps nothing
        log.write(f"served {request.path}\n")
    return JsonResponse({})


def two_queries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.execute("SELECT 2")
        return cursor.fetchone()[0]


async def queries_in_a_thread(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"two": await sync_to_async(two_queries)()})
