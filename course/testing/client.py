"""The client exercise tests use to call the learner's view.

It is Django's `AsyncClient` (the view runs on the test's own event loop, so
probes see its real behaviour) plus one job: when a request goes wrong for a
reason the course teaches, fail the test with that reason in plain words and
the learner's line, instead of a traceback through Django and the harness.
"""

from __future__ import annotations

import asyncio
import re
import traceback
from typing import Any

import pytest
import respx
from django.core.exceptions import SynchronousOnlyOperation
from django.http import HttpResponse
from django.test import AsyncClient

from course.testing.awaits import UnawaitedProbe
from course.testing.blocking import BlockingGuard
from course.testing.network import find_refusal

# JSON can hold a result, never the awaitable that would produce it.
AWAITABLE_IN_JSON = re.compile(r"Object of type (_GatheringFuture|Task|Future) is not JSON")


class ExerciseClient:
    """Calls the exercise's views; ask the `client` fixture for one."""

    def __init__(self, guard: BlockingGuard, unawaited: UnawaitedProbe) -> None:
        self.guard = guard
        self.unawaited = unawaited
        self._client = AsyncClient()

    async def get(self, path: str, *, within: float | None = None, **kwargs: Any) -> HttpResponse:
        """GET `path`; with `within`, fail plainly if the view has not answered by then.

        `within` is the test's own deadline, in loop time (fake in tests): a
        view that would wait forever fails at once with a message, instead of
        running into pytest-timeout.
        """
        if within is None:
            return await self.request("get", path, **kwargs)
        try:
            async with asyncio.timeout(within) as deadline:
                return await self.request("get", path, **kwargs)
        except TimeoutError:
            if not deadline.expired():
                raise  # the view's own TimeoutError, not the test's deadline
        pytest.fail(
            f"the view was still waiting after {within:g} s — something it awaits never "
            "finishes; give it a deadline",
            pytrace=False,
        )

    async def post(self, path: str, data: Any = None, **kwargs: Any) -> HttpResponse:
        return await self.request("post", path, data=data, **kwargs)

    async def concurrently(self, count: int, path: str, **kwargs: Any) -> list[HttpResponse]:
        """Send `count` GET requests to `path` at once and return their responses."""
        return list(await asyncio.gather(*(self.get(path, **kwargs) for _ in range(count))))

    async def request(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        try:
            response = await getattr(self._client, method)(path, **kwargs)
        except (Exception, SystemExit) as error:  # SystemExit would end the whole session
            failure = error
        else:
            self._fail_for_lesson_mistakes()
            return response
        # Outside the `except` block, so the learner reads our reason first,
        # not Django's exception "during handling of which" ours occurred.
        reason = self._explain(failure)
        # The traceback keeps the view's locals (and any never-awaited
        # coroutine in them) alive; clear it so the probe can see them.
        traceback.clear_frames(failure.__traceback__)
        self._fail_for_lesson_mistakes()
        if reason:
            pytest.fail(reason, pytrace=False)
        raise failure

    def _fail_for_lesson_mistakes(self) -> None:
        """Fail on a blocking call or a missing await, even if the view hid it."""
        blocking = self.guard.take()
        if blocking:
            pytest.fail(blocking[0].describe(), pytrace=False)
        unawaited = self.unawaited.take()
        if unawaited:
            pytest.fail(unawaited[0].describe(), pytrace=False)

    def _explain(self, error: BaseException) -> str | None:
        """A plain-words reason for errors that are the lesson's mistake, else None."""
        location = self.guard.code.in_traceback(error.__traceback__)
        where = f" at {location}" if location else ""
        if isinstance(error, SystemExit):
            return (
                f"the view called sys.exit({error.code!r}){where} — a view returns a response; "
                "stopping the process stops every request"
            )
        if isinstance(error, TypeError) and (pending := AWAITABLE_IN_JSON.search(str(error))):
            return (
                f"the view put a {pending.group(1)} object into its response{where}, not its "
                "result — `await` it to get the result"
            )
        if isinstance(error, SynchronousOnlyOperation):
            return (
                f"the view used the database synchronously on the event loop{where} — "
                "use the async ORM methods (`aget`, `acount`, `async for`…)"
            )
        if refusal := find_refusal(error):
            return f"{refusal}{where}"
        if isinstance(error, respx.models.AllMockedAssertionError):
            return (
                f"the view called an URL the test does not serve{where}: {error} — "
                "use the URL the exercise gives"
            )
        return None
