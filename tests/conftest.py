"""Helpers for the project's own tests: copies of the course to grade.

Most tests of the command line need a course, not the whole curriculum:
`Course.keep` cuts a copy down to the exercises a test is about (as rustlings
tests its CLI on tiny fixture exercises), so each grading run costs a pytest
start-up and a few tests instead of every exercise's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.catalog import ROOT, Exercise, load_exercises
from grader.integrity import write_manifest
from grader.shipped import write_shipped
from grader.workspace import copy_course, overlay


class Course:
    """A temporary copy of the course that a test may break at will."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def solve(self, *folders: str) -> Course:
        """Lay `solutions/` over the given exercises (all when none are named)."""
        for solution in sorted((self.path / "solutions").iterdir()):
            if not folders or solution.name in folders:
                overlay(self.path, solution.name, solution)
        return self

    def keep(self, *folders: str) -> Course:
        """Delete every other exercise (and its solution) and re-record the course's files."""
        for part in ("exercises", "solutions"):
            for path in (self.path / part).glob("ex*"):
                if path.is_dir() and path.name not in folders:
                    shutil.rmtree(path)
        exercises = self.exercises()
        write_shipped(exercises, self.path / "grader" / "shipped.json")
        write_manifest(self.path, exercises)
        return self

    def exercises(self) -> list[Exercise]:
        return load_exercises(self.path)

    def write(self, relative: str, text: str) -> Course:
        (self.path / relative).write_text(text, encoding="utf-8")
        return self

    def grader(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        """Run `python grader ARGS` in this copy, exactly as a learner would."""
        return subprocess.run(
            [sys.executable, "grader", *args],
            cwd=self.path,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def grade_json(self, *args: str) -> tuple[int, dict]:
        done = self.grader("--json", *args)
        return done.returncode, json.loads(done.stdout)


# A learner's files, laid over a copy of the course by tests/test_golden.py: not tests to run.
collect_ignore = ["golden"]


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return Course(copy_course(ROOT, tmp_path / "course"))


def by_id(document: dict) -> dict[str, dict]:
    return {exercise["id"]: exercise for exercise in document["exercises"]}
