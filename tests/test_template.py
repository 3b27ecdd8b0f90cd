"""`python grader template DIR`: a learner's repository holds no answer, and works.

The teacher's copy is a course copy with the project's tests (whose cases are
alternative and wrong solutions), the README and the maintainers' tools laid
in, as a clone of this repository has them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.catalog import ROOT
from tests.conftest import Course

pytestmark = pytest.mark.timeout(300)
# What a clone has beyond the course a test run needs (`copy_course`).
BEYOND_THE_COURSE = ("README.md", ".gitignore", "docs", "tests", "benchmarks", ".ci")


def teachers_copy(course: Course) -> Course:
    for name in BEYOND_THE_COURSE:
        source = ROOT / name
        if not source.exists():
            continue
        if source.is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, course.path / name, ignore=ignored)
        else:
            shutil.copy2(source, course.path / name)
    return course.keep("ex01_first_async_view", "ex03_blocking_sleep")


def commit_all(path: Path) -> None:
    for command in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "course"],
    ):
        subprocess.run(command, cwd=path, check=True, capture_output=True)


def files_in(tree: Path) -> set[str]:
    return {p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()}


def named_paths(readme: str) -> set[str]:
    """Relative link targets and `backticked/paths` a README names."""
    links = re.findall(r"\]\(([^)#\s]+)", readme)
    ticked = re.findall(r"`([^`\s]+)`", readme)
    return {name for name in links + ticked if "://" not in name}


def test_the_template_ships_no_answer_and_grades_as_a_fresh_learners_repository(course, tmp_path):
    teacher = teachers_copy(course)
    commit_all(teacher.path)
    export = tmp_path / "learner"

    done = teacher.grader("template", str(export))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "solutions/ (2 files" in done.stdout
    assert "tests/ (" in done.stdout
    shipped = files_in(export)
    assert not {name for name in shipped if name.startswith(("solutions/", "tests/"))}
    assert not {name for name in shipped if name.startswith(("benchmarks/", ".ci/"))}
    assert {"grader/manifest.json", "grader/shipped.json", "README.md"} <= shipped
    assert not (export / ".git").exists()

    # The README names no file the learner does not have, and keeps the learner's parts.
    readme = (export / "README.md").read_text(encoding="utf-8")
    teachers = (teacher.path / "README.md").read_text(encoding="utf-8")
    named = {name for name in named_paths(teachers) if (teacher.path / name).exists()}
    assert "tests/test_truth.py" in named  # what the check below is about
    missing = {
        name for name in named_paths(readme) if name in named and not (export / name).exists()
    }
    links = [name for name in re.findall(r"\]\(([^)#\s]+)", readme) if "://" not in name]
    assert not missing
    assert all((export / name).exists() for name in links), links
    assert "<!-- maintainers" not in readme
    assert "## Quick start" in readme
    assert "## The grader" in readme

    # Recording the course there again changes nothing: the records list no file left out.
    records = ("grader/manifest.json", "grader/shipped.json")
    recorded = {name: (export / name).read_bytes() for name in records}
    remade = subprocess.run(
        [sys.executable, "grader", "manifest"], cwd=export, capture_output=True, text=True
    )
    assert remade.returncode == 0, remade.stderr
    assert {name: (export / name).read_bytes() for name in records} == recorded

    # Every exercise is red, as a learner first sees it.
    graded = Course(export)
    code, document = graded.grade_json()
    assert code == 1
    assert {e["id"]: e["status"] for e in document["exercises"]} == {
        "first_async_view": "failed",
        "blocking_sleep": "failed",
    }

    # There is no reference solution to show, and the learner is told so.
    solution = graded.grader("solution", "3", "--force")
    assert solution.returncode == 1 and solution.stderr == ""
    assert "no reference solution of blocking_sleep" in " ".join(solution.stdout.split())

    # `verify` needs the answers: it says so in one line.
    verified = graded.grader("verify")
    assert verified.returncode == 2
    assert verified.stdout == ""
    assert len(verified.stderr.strip().splitlines()) == 1
    assert "not part of a learner's copy" in verified.stderr


def test_without_git_the_same_files_are_exported(course, tmp_path):
    # A copy that is not a git checkout, with what a learner's work leaves behind.
    teacher = teachers_copy(course)
    (teacher.path / ".awaitlings").mkdir()
    (teacher.path / ".awaitlings" / "state.json").write_text("{}")
    (teacher.path / "db.sqlite3").write_bytes(b"")
    (teacher.path / "course" / "__pycache__").mkdir(exist_ok=True)
    (teacher.path / "course" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")

    walked = teacher.grader("template", str(tmp_path / "walked"))
    commit_all(teacher.path)
    tracked = teacher.grader("template", str(tmp_path / "tracked"))

    assert walked.returncode == 0, walked.stdout + walked.stderr
    assert tracked.returncode == 0, tracked.stdout + tracked.stderr
    assert files_in(tmp_path / "walked") == files_in(tmp_path / "tracked")


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(course, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")

    done = course.grader("template", str(taken))

    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "not an empty folder" in done.stderr
    assert files_in(taken) == {"notes.txt"}


def test_an_export_that_is_not_sound_is_taken_back(course, tmp_path):
    # awaitlings.toml changed, `python grader manifest` not run again: the teacher's mistake
    teacher = teachers_copy(course)
    (teacher.path / "awaitlings.toml").write_text("[assignment]\nexercises = [3]\n")

    done = teacher.grader("template", str(tmp_path / "stale"))

    assert done.returncode == 1
    assert "Exported nothing" in done.stdout and "python grader manifest" in done.stdout
    assert files_in(tmp_path / "stale") == set()  # nothing a learner could be given
