"""Take chance out of a grade: `random` gives its highest value while a test runs.

Retry code often adds random jitter to its waits ("full jitter": a wait drawn
between 0 and the backoff). A grade must not depend on the draw, so in tests
that ask for it every draw is the highest the call allows: a jittered wait is
judged by its upper bound, the same code gets the same grade every time.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest

from course.testing.locate import LearnerCode

HIGHEST_FLOAT = 1 - 2**-53  # the largest value random.random() can return


def _random(*_: Any) -> float:
    return HIGHEST_FLOAT


def _uniform(*args: float) -> float:
    low, high = args[-2:]
    return max(low, high)


def _randint(*args: int) -> int:
    return args[-1]


def _randrange(*args: int) -> int:
    numbers = args[1:] if isinstance(args[0], random.Random) else args
    start, stop, step = (0, numbers[0], 1) if len(numbers) == 1 else (*numbers, 1)[:3]
    return start + (stop - 1 - start) // step * step


def _choice(*args: Sequence[Any]) -> Any:
    return args[-1][-1]


HIGHEST = {
    "random": _random,
    "uniform": _uniform,
    "randint": _randint,
    "randrange": _randrange,
    "choice": _choice,
}


def draw_the_highest(code: LearnerCode, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `random`'s functions, and the `Random` instances, draw their highest value."""
    originals = {}
    for name, highest in HIGHEST.items():
        originals[id(getattr(random, name))] = highest
        monkeypatch.setattr(random, name, highest)
        monkeypatch.setattr(random.Random, name, highest)
    monkeypatch.setattr(random.SystemRandom, "random", _random)
    code.rebind(originals, monkeypatch)  # `from random import uniform`
