"""A learner's submission, read as data: only each exercise's editable files.

In sealed grading the course (exercise list, points, tests, harness, grader)
comes from a trusted copy; from the submission the grader reads nothing but
the files each trusted `exercise.toml` lists. Each is read as a regular file,
never through a symbolic link (in its path either), and only up to a size cap:
a link to `/dev/zero` or to a protected file is refused, not followed.
Everything else in the submission is ignored; what differs from the trusted
copy is listed, so a teacher sees an edited test or an added config file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from course.catalog import Exercise, load_exercises

MAX_FILE = 256 * 1024  # bytes: an exercise's views.py is a few kilobytes
MAX_LISTED = 40  # ignored files named in the report, at most
MAX_WALKED = 20_000  # entries looked at when listing what is ignored
NOT_LISTED = {".git", ".venv", "venv", "__pycache__", ".awaitlings", "node_modules"}
# Never run by a grade, so never worth a teacher's look: bytecode, databases, cache
# entries, build droppings, and prose (a template's README differs from the teacher's).
SKIPPED = (".pyc", ".sqlite3", ".djcache", ".egg-info", ".md")


class SubmissionError(Exception):
    """The submission folder itself cannot be read."""


@dataclass
class Submission:
    """The editable files read from a submission folder, and what was refused or ignored."""

    root: Path
    files: dict[str, bytes] = field(default_factory=dict)  # "exercises/ex03_x/views.py" → bytes
    refused: dict[str, str] = field(default_factory=dict)  # path → why it was not read
    ignored: list[str] = field(default_factory=list)  # other files that differ from the course

    def problems_of(self, exercise: Exercise) -> list[str]:
        return [f"{path}: {why}" for path, why in self.refused.items() if path in exercise.editable]


def read_submission(root: Path, exercises: list[Exercise], trusted: Path) -> Submission:
    """Read the editable files of `exercises` from `root`; list what else differs from `trusted`."""
    if not root.is_dir():
        raise SubmissionError(f"--submission {root}: no such folder")
    submission = Submission(root)
    for exercise in exercises:
        for relative in exercise.editable:
            try:
                submission.files[relative] = read_regular(root, relative)
            except Refused as why:
                submission.refused[relative] = str(why)
    editable = {path for exercise in load_exercises(trusted) for path in exercise.editable}
    submission.ignored = differences(root, trusted, editable)
    return submission


class Refused(Exception):
    """One editable file could not be read as a regular file."""


def read_regular(root: Path, relative: str) -> bytes:
    """The bytes of `root/relative`, opened one path component at a time without following links."""
    *folders, name = relative.split("/")
    descriptors: list[int] = []
    try:
        try:
            current = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as error:
            raise Refused(f"the submission folder cannot be opened ({error.strerror})") from None
        descriptors.append(current)
        for folder in folders:
            current = _open_at(
                current, folder, os.O_RDONLY | os.O_DIRECTORY, f"its folder {folder}/ is"
            )
            descriptors.append(current)
        current = _open_at(current, name, os.O_RDONLY | os.O_NONBLOCK, "is")
        descriptors.append(current)
        info = os.fstat(current)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("is not a regular file; the grader reads only regular files")
        if info.st_size > MAX_FILE:
            raise Refused(f"is {info.st_size} bytes; an editable file may have {MAX_FILE} at most")
        with os.fdopen(os.dup(current), "rb") as file:
            data = file.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            raise Refused(f"is over {MAX_FILE} bytes; an editable file may have that many at most")
        return data
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def _open_at(folder: int, name: str, flags: int, shown: str) -> int:
    try:
        return os.open(name, flags | os.O_NOFOLLOW, dir_fd=folder)
    except FileNotFoundError:
        raise Refused("is missing from the submission") from None
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):  # a link met with O_NOFOLLOW
            raise Refused(
                f"{shown} a symbolic link; the grader reads only regular files, never "
                "through a link"
            ) from None
        raise Refused(f"cannot be read ({error.strerror})") from None


def differences(root: Path, trusted: Path, editable: set[str]) -> list[str]:
    """Files of `root` (not editable) that are missing from `trusted` or differ from it."""
    found: list[str] = []
    walked = 0
    for folder, folders, files in os.walk(root):  # os.walk does not follow links to folders
        folders[:] = sorted(f for f in folders if f not in NOT_LISTED and not f.endswith(SKIPPED))
        for name in sorted(files):
            walked += 1
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if relative in editable or name.endswith(SKIPPED):
                continue
            if _differs(path, trusted / relative):
                found.append(relative)
            if len(found) >= MAX_LISTED or walked >= MAX_WALKED:
                return [*found, "… (more not listed)"]
    return found


def _differs(path: Path, original: Path) -> bool:
    if path.is_symlink() or not path.is_file() or not original.is_file():
        return True
    with contextlib.suppress(OSError):
        if path.stat().st_size != original.stat().st_size:
            return True
        return path.read_bytes() != original.read_bytes()
    return True
