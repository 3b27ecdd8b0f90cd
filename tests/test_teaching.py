"""docs/teaching.md: every command in it runs as written, in the order it gives (issue 17).

Its `sh` blocks run one line at a time from the root of a teacher's copy of
the course (cut down to exercise 02, with the classroom kit), inside its
virtualenv; its `toml` block is the course's `awaitlings.toml`. The class the
gradebook grades is two learners' repositories from the template, one solved.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from course.catalog import ROOT
from grader.workspace import copy_course
from tests.conftest import Course
from tests.test_kit import KIT, python_on_path

pytestmark = pytest.mark.timeout(600)

GUIDE = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```$", GUIDE, re.MULTILINE | re.DOTALL)
EX02 = "ex02_missing_await"


def test_the_guide_has_commands_to_run():
    commands = [line for kind, block in BLOCKS if kind == "sh" for line in block.splitlines()]
    assert len(commands) >= 8, commands
    assert {kind for kind, _ in BLOCKS} == {"sh", "toml"}, "a block no test runs"


def test_every_command_of_the_guide_runs_as_written(tmp_path):
    course = Course(copy_course(ROOT, tmp_path / "course")).keep(EX02)
    copy_course(ROOT, course.path, KIT)
    assert course.grader("template", str(tmp_path / "seed")).returncode == 0
    for name in ("ana", "ben"):  # the learners' clones, in ../class
        shutil.copytree(tmp_path / "seed", tmp_path / "class" / name)
    solution = course.path / "solutions" / EX02 / "views.py"
    shutil.copy2(solution, tmp_path / "class/ana/exercises" / EX02 / "views.py")
    environment = python_on_path(tmp_path / "venv")

    for kind, block in BLOCKS:
        if kind == "toml":
            (course.path / "awaitlings.toml").write_text(block, encoding="utf-8")
            continue
        for command in block.splitlines():
            done = subprocess.run(
                ["bash", "-c", command], cwd=course.path, env=environment,
                capture_output=True, text=True, timeout=400,
            )  # fmt: skip
            ran = {0, 1} if " list" in command else {0}  # list: 1 while an exercise fails
            assert done.returncode in ran, f"{command}\n{done.stdout}\n{done.stderr}"

    graded = (tmp_path / "gradebook/gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert graded[1].startswith("ana,") and ",20,20,passed," in graded[1], graded
    assert (tmp_path / "awaitlings-gradescope.zip").is_file()
