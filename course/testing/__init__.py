"""The course's test harness: probes that catch blocking and missing concurrency.

Exercise tests use it through the fixtures in `course.testing.plugin`
(`client`, `upstream`, `thread_probe`…); the classes are importable for the
project's own tests and for type hints.
"""

from course.testing.awaits import UnawaitedProbe
from course.testing.blocking import BlockingGuard
from course.testing.client import ExerciseClient
from course.testing.threads import ThreadProbe
from course.testing.upstream import Endpoint, FakeUpstream

__all__ = [
    "BlockingGuard",
    "Endpoint",
    "ExerciseClient",
    "FakeUpstream",
    "ThreadProbe",
    "UnawaitedProbe",
]
