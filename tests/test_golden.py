"""Golden tests: what `python grader` prints for a learner's repository in a known state.

In the style of Exercism's test runners: each folder of `tests/golden/` is a
situation, with `situation.toml` (the exercises the course is cut down to,
those solved, the grader's arguments and its exit status), `files/` laid over
the course as a learner would have edited it, and the exact output expected,
written by hand and read by a person: never produced by the code under test.
Only durations are masked (the run's, and each test's in JSON). A change to a
message changes these files on purpose; review the difference as a learner
would read it.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import jsonschema
import pytest

from course.catalog import ROOT
from grader.workspace import copy_course
from tests.conftest import Course
from tests.test_consumers import RESULTS_SCHEMA

pytestmark = pytest.mark.timeout(240)

GOLDEN = Path(__file__).parent / "golden"
SITUATIONS = sorted(path.parent for path in GOLDEN.glob("*/situation.toml"))
DURATION = re.compile(r"Graded in \d+(\.\d+)? s")
TEST_SECONDS = re.compile(r'"seconds": \d+(\.\d+)?')


def lay_situation(folder: Path, tmp_path: Path) -> tuple[Course, dict]:
    spec = tomllib.loads((folder / "situation.toml").read_text(encoding="utf-8"))
    course = Course(copy_course(ROOT, tmp_path / "course")).keep(*spec["keep"])
    if spec["solved"]:
        course.solve(*spec["solved"])
    edits = folder / "files"
    for path in sorted(edits.rglob("*")) if edits.is_dir() else []:
        if path.is_file():
            shutil.copyfile(path, course.path / path.relative_to(edits))
    return course, spec


def test_there_are_situations():
    assert len(SITUATIONS) >= 4, SITUATIONS


@pytest.mark.parametrize("folder", SITUATIONS, ids=lambda folder: folder.name)
def test_the_grader_prints_what_is_written(folder: Path, tmp_path: Path):
    course, spec = lay_situation(folder, tmp_path)

    done = course.grader(*spec["args"])

    expected = (folder / spec["expect"]).read_text(encoding="utf-8")
    if "--json" in spec["args"]:
        jsonschema.validate(json.loads(done.stdout), RESULTS_SCHEMA)
    masked = TEST_SECONDS.sub('"seconds": …', DURATION.sub("Graded in … s", done.stdout))
    assert masked == expected, done.stderr
    assert done.returncode == spec["exit"], done.stderr
