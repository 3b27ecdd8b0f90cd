"""Tasks a view started and left running when it answered.

A view that answers while tasks it started are still running leaks them: they
go on using the API and the server after the answer is sent, and their errors
land nowhere. After the requests, the probe lists the loop's unfinished tasks
other than the test's own.
"""

from __future__ import annotations

import asyncio

import pytest


def _name(task: asyncio.Task) -> str:
    coroutine = task.get_coro()
    return f"{getattr(coroutine, '__qualname__', task.get_name())}()"


class TaskProbe:
    """Ask the `tasks` fixture for one."""

    async def assert_none_left(self) -> None:
        for _ in range(3):  # let tasks that are already finishing finish
            await asyncio.sleep(0)
        current = asyncio.current_task()
        left = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
        if left:
            names = ", ".join(sorted({_name(task) for task in left}))
            pytest.fail(
                f"the view answered while {len(left)} task(s) it started were still running "
                f"({names}) — wait for every task, or cancel it, before answering",
                pytrace=False,
            )
