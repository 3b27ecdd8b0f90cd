"""`python grader template DIR`: the repository a learner receives, without the answers.

The teacher's copy of the course holds every answer: `solutions/`, and the
project's own tests, whose `tests/cases/` are alternative and wrong solutions
of every exercise. A learner's repository cloned from it would have them one
`ls` away, and copying them over the exercises solves the course. So a
learner's repository is exported from the teacher's copy, and the teacher
keeps the full one.

What is exported: everything git tracks (`git ls-files`; without git, the
tree without `.git`, virtualenvs, the learner's state and bytecode), except
`LEFT_OUT`: the answers and the maintainers' tools (`benchmarks/`, `.ci/`,
their CI workflow), which run only beside them. `grader/shipped.json` and `grader/manifest.json`
stay (reset and the integrity check need them); neither lists a file left
out, and the export is checked to match them. The README's maintainers' part,
between `<!-- maintainers -->` and `<!-- /maintainers -->`, names files that
are not there, so it is cut from the learner's README.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from course.catalog import load_exercises
from grader.integrity import build_manifest, read_manifest
from grader.shipped import read_shipped, snapshot

LEFT_OUT = {  # a folder (ending in /), or a file, of the course
    "solutions/": "the reference solutions",
    "tests/": "the project's own tests, whose cases are alternative and wrong solutions",
    "benchmarks/": "maintainers' tools",
    ".ci/": "maintainers' tools",
    ".github/workflows/ci.yml": "the maintainers' CI, which runs the project's own tests",
    "classroom/": "the teacher's kit for grading platforms (`python grader gradescope-zip`)",
}
# Without git: what .gitignore keeps out of a checkout, and git's own folder.
NOT_TRACKED = {".git", ".venv", ".awaitlings", "__pycache__", ".pytest_cache", ".ruff_cache"}
NOT_TRACKED_SUFFIXES = (".pyc", ".egg-info", ".sqlite3")
README = "README.md"
CUT_FROM = "<!-- maintainers"
CUT_TO = "<!-- /maintainers -->"


class TemplateError(Exception):
    """The export cannot be written (DIR is not a new or empty folder)."""


@dataclass
class Export:
    destination: Path
    written: list[str] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # part → files left out
    cut_lines: int = 0  # lines of the README's maintainers' part
    problems: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        if self.problems:
            lines = [f"Exported nothing to {self.destination}: the export was not sound."]
            return lines + [f"Problem: {problem}" for problem in self.problems]
        lines = [f"Exported the learner's repository to {self.destination}: "]
        lines[0] += f"{len(self.written)} files."
        parts = [
            f"{part} ({count} file{'s' * (count != 1)}: {LEFT_OUT[part]})"
            for part, count in self.left_out.items()
        ]
        if self.cut_lines:
            parts.append(f"the maintainers' part of {README} ({self.cut_lines} lines)")
        if parts:
            lines.append(f"Left out (the teacher keeps them): {'; '.join(parts)}.")
        commit = 'git init && git add -A && git commit -m "awaitlings"'
        return [*lines, f"Next: cd {self.destination} && {commit}"]


def tracked_files(root: Path) -> list[str]:
    """The course's files as git tracks them; without git, the tree minus what git ignores."""
    try:
        done = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=False)
    except OSError:  # no git on this machine
        done = None
    if done is not None and done.returncode == 0:
        names = [name for name in done.stdout.decode().split("\0") if name]
        return sorted(name for name in names if os.path.lexists(root / name))
    found = []
    for folder, folders, files in os.walk(root):
        folders[:] = [
            f for f in folders if f not in NOT_TRACKED and not f.endswith(NOT_TRACKED_SUFFIXES)
        ]
        for name in files:
            if not name.endswith(NOT_TRACKED_SUFFIXES):
                found.append((Path(folder) / name).relative_to(root).as_posix())
    return sorted(found)


def left_out(name: str) -> str | None:
    """The entry of `LEFT_OUT` that the course's file `name` falls under, if any."""
    for part in LEFT_OUT:
        if name == part or (part.endswith("/") and name.startswith(part)):
            return part
    return None


def learners_readme(text: str) -> tuple[str, int]:
    """The README without its maintainers' parts, and how many lines were cut."""
    kept, cut, cutting = [], 0, False
    for line in text.splitlines(keepends=True):
        if line.startswith(CUT_FROM):
            cutting = True
        if cutting:
            cut += 1
        else:
            kept.append(line)
        if line.startswith(CUT_TO):
            cutting = False
    return "".join(kept).rstrip("\n") + "\n", cut


def export_template(root: Path, destination: Path) -> Export:
    """Write the learner's repository into `destination`, a new or empty folder."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise TemplateError(
            f"{destination} already exists and is not an empty folder: "
            "the template goes into a new or empty folder"
        )
    export = Export(destination)
    inside = destination.resolve().is_relative_to(root.resolve())
    for name in tracked_files(root):
        part = left_out(name)
        if part:
            export.left_out[part] = export.left_out.get(part, 0) + 1
            continue
        if inside and (root / name).resolve().is_relative_to(destination.resolve()):
            continue  # the export itself, when DIR is inside the course
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name == README:
            text, export.cut_lines = learners_readme((root / name).read_text(encoding="utf-8"))
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copy2(root / name, target, follow_symlinks=False)
        export.written.append(name)
    export.problems = soundness(destination)
    if export.problems:  # a learner must never get it: leave the folder as it was, empty
        for child in destination.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    return export


def soundness(tree: Path) -> list[str]:
    """What keeps `tree` from being a learner's course that grades, resets and checks itself."""
    if not (tree / "grader" / "manifest.json").is_file():
        return ["the export holds no grader/manifest.json: is this the course's repository?"]
    exercises = load_exercises(tree)
    problems = []
    recorded, found = read_manifest(tree), build_manifest(tree, exercises)
    if recorded != found:
        differ = sorted(
            name for name in recorded.keys() | found.keys() if recorded.get(name) != found.get(name)
        )
        named = ", ".join(differ[:5]) + (", …" if len(differ) > 5 else "")
        problems.append(
            f"the exported protected files do not match grader/manifest.json ({named}): "
            "run `python grader manifest` in the course "
            "and track every file with git, then export again"
        )
    if snapshot(exercises) != read_shipped(tree / "grader" / "shipped.json"):
        problems.append(
            "the exported editable files are not those of grader/shipped.json: the template "
            "ships the starter code, so export from a course whose exercises are as shipped "
            "(`python grader manifest` records them)"
        )
    return problems
