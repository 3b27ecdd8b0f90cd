"""Make the harness treat `tests/harness/views.py` as "the learner's code".

This folder is laid out like an exercise: the views a test calls, their urls,
and the tests beside them (which the blocking guard must not blame).
"""

from pathlib import Path

import pytest

from course.testing.locate import LearnerCode

HARNESS = Path(__file__).parent
VIEWS = "tests/harness/views.py"
VIEWS_FILE = HARNESS / "views.py"
# Read once, now: this folder is "the learner's", so reading it during a test
# would be reported as the learner blocking the loop.
VIEWS_LINES = VIEWS_FILE.read_text().splitlines()


@pytest.fixture
def learner_code() -> LearnerCode:
    return LearnerCode(HARNESS, frozenset({VIEWS_FILE}))


@pytest.fixture
def exercise_urls() -> str:
    return "tests.harness.urls"


@pytest.fixture
def exercise_middleware() -> tuple[str, ...]:
    return ()


def failure(match: str):
    """Expect the test to fail with a plain-words message matching `match`."""
    return pytest.raises(pytest.fail.Exception, match=match)


def line_of(text: str) -> int:
    """The line of `text` in the harness views, so messages can be checked exactly."""
    return next(number for number, line in enumerate(VIEWS_LINES, 1) if text in line)
