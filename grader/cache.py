"""Verdicts kept between runs, so `python grader` re-grades only what changed.

A verdict is reused only when nothing that decides it has changed: its key is
a digest of every file in the exercise's folder (the learner's files, its
tests, its metadata), of the protected files' manifest (the harness, the
grader, the configuration: when they match it, which `tampering()` checks
first, the manifest stands for them), of the test timeout, of the Python
and Django versions, and of the database (`DATABASE_URL`). Only `passed` and
`failed` are kept: a timeout or a dead process may owe something to the
machine of the moment, so it is run again.

It lives in `.awaitlings/results.json`, with the learner's other state.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from course.catalog import Exercise
from grader.integrity import MANIFEST, files_under
from grader.results import ExerciseResult, TestResult

CACHE = Path(".awaitlings") / "results.json"
KEPT = {"passed", "failed"}


class ResultCache:
    def __init__(self, root: Path, test_timeout: float | None) -> None:
        self.root = root
        self.file = root / CACHE
        shared = hashlib.sha256()
        for part in (
            sys.version,
            importlib.metadata.version("django"),
            repr(test_timeout),
            os.environ.get("DATABASE_URL", ""),
            (root / MANIFEST).read_text(encoding="utf-8"),
        ):
            shared.update(part.encode() + b"\0")
        self._shared = shared.hexdigest()
        self._entries = _read_entries(self.file)

    def key(self, exercise: Exercise) -> str:
        digest = hashlib.sha256(self._shared.encode())
        for path in files_under(self.root, exercise.home):
            digest.update(path.relative_to(self.root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()

    def get(self, exercise: Exercise, key: str) -> ExerciseResult | None:
        """The kept verdict of `exercise`, if it was kept under `key` (see `key()`)."""
        entry = self._entries.get(exercise.folder)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return self.last(exercise)

    def last(self, exercise: Exercise) -> ExerciseResult | None:
        """The verdict kept for `exercise`, whatever its key: perhaps for other files."""
        entry = self._entries.get(exercise.folder)
        try:
            tests = [TestResult(**test) for test in entry["tests"]]
        except (KeyError, TypeError):  # none kept, or a file edited by hand: grade afresh
            return None
        return ExerciseResult(exercise, tests, reused=True)

    def put(self, results: list[ExerciseResult], keys: dict[str, str]) -> None:
        """Keep the verdicts worth keeping (passed, failed) and write them down.

        `keys` are those taken *before* grading: a file saved while the tests
        ran must not lend its key to the verdict on its previous version.
        """
        for result in results:
            if result.status in KEPT:
                self._entries[result.exercise.folder] = {
                    "key": keys[result.exercise.folder],
                    "tests": [asdict(test) for test in result.tests],
                }
            else:
                self._entries.pop(result.exercise.folder, None)
        try:
            self.file.parent.mkdir(exist_ok=True)
            self.file.write_text(json.dumps(self._entries, indent=1), encoding="utf-8")
        except OSError:
            pass  # a read-only checkout: every run grades afresh, nothing worse


def _read_entries(file: Path) -> dict[str, dict]:
    """The kept verdicts; none when the file is missing, unreadable or not what `put` writes."""
    try:
        entries = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # ValueError: not JSON, or not UTF-8
        return {}
    if not isinstance(entries, dict):
        return {}
    return {folder: entry for folder, entry in entries.items() if isinstance(entry, dict)}
