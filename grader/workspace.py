"""Temporary copies of the course, for checks that must not touch the learner's tree.

`verify` grades the exercises as shipped and with `solutions/` laid over them;
the project's tests lay wrong and alternative solutions over them. Each does
it in a copy, so the working tree is never modified.
"""

from __future__ import annotations

import shutil
from pathlib import Path

# What a test run needs; everything else (.git, virtualenvs, backups) stays behind.
COURSE_PARTS = (
    "course",
    "exercises",
    "solutions",
    "grader",
    "awaitlings.toml",
    "conftest.py",
    "pyproject.toml",
)
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3")


def copy_course(root: Path, destination: Path, parts: tuple[str, ...] = COURSE_PARTS) -> Path:
    """Copy the parts of the course a test run needs (`parts`) from `root` into `destination`.

    Links are copied as links, never followed: a learner's `views.py` linked
    to `/dev/zero` would otherwise fill the disk, and a dangling one stop the
    copy. The grader then refuses the exercise (`integrity.not_regular`). A
    part the tree lacks (`solutions/` in a learner's copy) is left out.
    """
    destination.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = root / part
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, destination / part, ignore=IGNORED, symlinks=True)
        elif source.is_symlink() or source.exists():
            shutil.copy2(source, destination / part, follow_symlinks=False)
    return destination


def overlay(tree: Path, folder: str, files: Path) -> None:
    """Lay every file of the directory `files` over `exercises/<folder>/` in `tree`."""
    for source in files.rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            target = tree / "exercises" / folder / source.relative_to(files)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
