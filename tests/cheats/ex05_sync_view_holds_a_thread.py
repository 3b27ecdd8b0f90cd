"""A cheat of ex05_sync_view_holds_a_thread's outside check: a sync client in a thread, with a
read timeout so short that it ends the call soon after the visitor left. Were the judge's
held call silent, the fake API would see it abandoned, as if Django had cancelled the view;
the held call sends a space now and then instead (`JudgeAPI.holding`), and the thread, which
nothing can stop, waits for the answer."""

import asyncio

import httpx
from django.http import JsonResponse

from course.weather import FORECAST_URL


async def forecast(request):
    response = await asyncio.to_thread(httpx.get, FORECAST_URL, timeout=0.5)
    return JsonResponse(response.json())
