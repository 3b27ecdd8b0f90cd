"""Protected files: the tests, the harness, the grader and the course's configuration.

A learner edits only the files each `exercise.toml` lists. Everything else a
grade depends on is protected: its SHA-256 is recorded in
`grader/manifest.json` (maintainers regenerate it with `python grader
manifest`). An exercise whose protected files were changed or deleted, or
whose folder gained pytest configuration, is graded `tampered`, is not run
(a planted conftest.py would run inside the grader's test process) and
scores 0. A change to a file every exercise depends on (the harness, the root
conftest.py, pyproject.toml) taints every exercise.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from course.catalog import Exercise

MANIFEST = Path("grader") / "manifest.json"
SHARED_PARTS = (
    "awaitlings.toml",  # the assignment: which exercises count, and their points
    "conftest.py",
    "pyproject.toml",
    "course",
    "grader",
    "exercises/__init__.py",
    "exercises/chapters.toml",
)
SHARED_SKIPPED = {"grader/manifest.json"}  # the manifest cannot hold its own digest
# Files that would change how pytest runs an exercise's tests if added to its folder.
PYTEST_CONFIG = {"conftest.py", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml"}


def files_under(root: Path, part: str) -> list[Path]:
    """The files of `part` (a file or a folder) of the course, sorted, without bytecode."""
    path = root / part
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def shared_files(root: Path) -> list[str]:
    paths = (path for part in SHARED_PARTS for path in files_under(root, part))
    names = (path.relative_to(root).as_posix() for path in paths)
    return [name for name in names if name not in SHARED_SKIPPED]


def exercise_files(root: Path, exercise: Exercise) -> list[str]:
    """The exercise's protected files: all but the learner's files and the README."""
    learner = {*exercise.files, "README.md"}
    return [
        p.relative_to(root).as_posix()
        for p in files_under(root, exercise.home)
        if p.relative_to(exercise.path).as_posix() not in learner
    ]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_manifest(root: Path, exercises: list[Exercise]) -> dict[str, str]:
    names = shared_files(root) + [n for e in exercises for n in exercise_files(root, e)]
    return {name: digest(root / name) for name in sorted(names)}


def write_manifest(root: Path, exercises: list[Exercise]) -> None:
    manifest = build_manifest(root, exercises)
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def read_manifest(root: Path) -> dict[str, str]:
    return json.loads((root / MANIFEST).read_text(encoding="utf-8"))


def _changes(root: Path, names: list[str], manifest: dict[str, str]) -> list[str]:
    problems = []
    for name in names:
        path = root / name
        if not path.is_file():
            problems.append(f"{name} was deleted (restore it: git checkout -- {name})")
        elif digest(path) != manifest[name]:
            problems.append(f"{name} was changed (restore it: git checkout -- {name})")
    return problems


def tampering(root: Path, exercises: list[Exercise], manifest: dict[str, str]) -> dict[str, str]:
    """Exercise folder → why it is tampered, for every exercise that is."""
    shared = [name for name in manifest if not name.startswith("exercises/ex")]
    shared_problems = _changes(root, shared, manifest)
    # pytest reads these wherever they sit above the exercises: root, exercises/.
    for folder in (root, root / "exercises"):
        for name in sorted(PYTEST_CONFIG):
            relative = (folder / name).relative_to(root).as_posix()
            if (folder / name).is_file() and relative not in manifest:
                shared_problems.append(f"{relative} was added (delete it)")
    found = {}
    for exercise in exercises:
        prefix = f"{exercise.home}/"
        mine = [name for name in manifest if name.startswith(prefix)]
        problems = shared_problems + _changes(root, mine, manifest)
        for path in exercise.path.rglob("*"):
            relative = path.relative_to(root).as_posix()
            if path.name in PYTEST_CONFIG and relative not in manifest:
                problems.append(f"{relative} was added (delete it)")
        if problems:
            found[exercise.folder] = (
                f"{'; '.join(problems)} — the tests, the harness and the course's configuration "
                f"are protected: change only {', '.join(exercise.files)}"
            )
    return found


def not_regular(exercise: Exercise) -> str:
    """Why the grader will not read the exercise's folder: links and devices in it ('' if none).

    A learner's file must be a regular file. Read through a link, `views.py`
    could be `/dev/zero` (an import, a digest or a copy that never ends and
    fills memory or the disk), a file of another exercise, or nothing at all.
    """
    found = []
    for folder, folders, files in os.walk(exercise.path):  # never follows a link to a folder
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(folders) + sorted(files):
            path = Path(folder) / name
            try:
                mode = path.lstat().st_mode
            except FileNotFoundError:  # deleted meanwhile (an editor saving)
                continue
            shown = path.relative_to(exercise.path).as_posix()
            if stat.S_ISLNK(mode):
                found.append(f"{shown} is a symbolic link")
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                found.append(f"{shown} is not a regular file")
    if not found:
        return ""
    return f"{'; '.join(found)}; the grader reads only regular files — replace it with a file"
