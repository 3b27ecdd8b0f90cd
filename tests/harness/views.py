"""Deliberately right and wrong views, for the harness's own tests.

Each probe of `course.testing` must go red on the wrong view here and stay
green on the right one.
"""

import asyncio
import contextlib
import hashlib
import time

import httpx
from asgiref.sync import async_to_sync
from django.http import HttpRequest, JsonResponse

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
