"""`python grader verify`: the maintainer's check of the whole course.

Every exercise must fail as shipped *by failing tests* (not by an import or
collection error, not by a timeout) and pass with its solution laid over it;
`solutions/<exercise>/` must hold exactly the files the learner edits, and
every model change must ship with its migration. Both runs happen in
temporary copies, side by side on the machine's cores.

`python grader manifest` uses the first half before it records anything: the
exercises whose starter or tests changed since the last record are graded as
they are, and none of them may pass (a solution once went into
`grader/shipped.json` as a starter, and every learner would have received
that exercise solved).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from course.catalog import Exercise, load_exercises
from grader.integrity import build_manifest, exercise_files, read_manifest, shared_files
from grader.results import ExerciseResult
from grader.run import grade
from grader.shipped import read_shipped, snapshot
from grader.workspace import COURSE_PARTS, copy_course, overlay


def layout_problems(root: Path, exercises: list[Exercise]) -> list[str]:
    problems = []
    for exercise in exercises:
        solution = root / "solutions" / exercise.folder
        shipped = {p.relative_to(solution).as_posix() for p in solution.rglob("*") if p.is_file()}
        shipped = {name for name in shipped if "__pycache__" not in name}
        if shipped != set(exercise.files):
            problems.append(
                f"{exercise.folder}: solutions/{exercise.folder}/ holds {sorted(shipped)}, "
                f"but exercise.toml says the learner edits {list(exercise.files)}"
            )
        for name in ("README.md", *exercise.files):
            if not (exercise.path / name).is_file():
                problems.append(f"{exercise.folder}: {name} is missing")
    return problems


def record_problems(root: Path, exercises: list[Exercise]) -> list[str]:
    """The solutions' layout and the recorded files (manifest, starter files), checked as data."""
    problems = layout_problems(root, exercises)
    if build_manifest(root, exercises) != read_manifest(root):
        problems.append(
            "grader/manifest.json does not match the protected files: "
            "run `python grader manifest` after changing tests, harness or grader"
        )
    if snapshot(exercises) != read_shipped(root / "grader" / "shipped.json"):
        problems.append(
            "grader/shipped.json does not match the exercises' editable files: "
            "run `python grader manifest` after changing an exercise"
        )
    return problems + missing_migrations(root)


def missing_migrations(root: Path) -> list[str]:
    """Models changed without the migration that ships with them, as Django sees it."""
    done = subprocess.run(
        [sys.executable, "-m", "django", "makemigrations", "--check", "--dry-run"],
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "course.settings"},
        capture_output=True,
        text=True,
    )
    if done.returncode == 0:
        return []
    if "Migrations for" not in done.stdout:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [f"the migrations could not be checked: {last}"]
    said = " ".join(done.stdout.split())
    return [
        f"a model has no migration for its change: {said} — run "
        "`DJANGO_SETTINGS_MODULE=course.settings python -m django makemigrations`"
    ]


def verify(
    root: Path, budget: float
) -> tuple[list[str], list[ExerciseResult], list[ExerciseResult]]:
    """Problems found (empty when the course is sound), with both runs' results.

    Problems in the records are reported without grading: a grade against a
    stale manifest or a solution in the wrong shape says nothing yet, and the
    maintainer's next step is the same either way.
    """
    exercises = load_exercises(root)
    problems = record_problems(root, exercises)
    if problems:
        return problems, [], []
    with tempfile.TemporaryDirectory(prefix="awaitlings-verify-") as scratch:
        shipped = copy_course(root, Path(scratch) / "shipped")
        solved = copy_course(root, Path(scratch) / "solved")
        for exercise in exercises:
            if (root / "solutions" / exercise.folder).is_dir():
                overlay(solved, exercise.folder, root / "solutions" / exercise.folder)
        with ThreadPoolExecutor(max_workers=2) as pool:
            shipped_run = pool.submit(grade, shipped, load_exercises(shipped), budget=budget)
            solved_run = pool.submit(grade, solved, load_exercises(solved), budget=budget)
            as_shipped, with_solutions = shipped_run.result(), solved_run.result()
    return judge(as_shipped, with_solutions), as_shipped, with_solutions


def judge(as_shipped: list[ExerciseResult], with_solutions: list[ExerciseResult]) -> list[str]:
    """What is wrong with the two runs: as shipped, only `failed` will do (an error or a
    timeout teaches nothing); with its solution, only `passed`."""
    problems = []
    for result in as_shipped:
        if result.status != "failed":
            problems.append(
                f"{result.exercise.folder}: as shipped it should fail by failing tests, "
                f"but it is {result.status}: {result.message or 'every test passed'}"
            )
    for result in with_solutions:
        if result.status != "passed":
            problems.append(
                f"{result.exercise.folder}: with its solution it should pass, "
                f"but it is {result.status}: {result.message}"
            )
    return problems


def changed_since_recorded(root: Path, exercises: list[Exercise]) -> list[Exercise]:
    """The exercises whose starter files or protected files differ from the records.

    Every exercise when a shared file differs (the harness, the grader, the
    configuration: any exercise's verdict may hang on it) or the records are
    unreadable. The others' starters were graded when they were recorded.
    """
    try:
        manifest = read_manifest(root)
        shipped = read_shipped(root / "grader" / "shipped.json")
    except (OSError, ValueError):
        return list(exercises)
    built = build_manifest(root, exercises)
    shared = set(shared_files(root)) | {
        name for name in manifest if not name.startswith("exercises/ex")
    }
    if any(built.get(name) != manifest.get(name) for name in shared):
        return list(exercises)
    now = snapshot(exercises)
    changed = []
    for exercise in exercises:
        prefix = f"{exercise.home}/"
        recorded = {name for name in manifest if name.startswith(prefix)}
        protected = recorded | set(exercise_files(root, exercise))
        if any(built.get(name) != manifest.get(name) for name in protected) or any(
            now[name] != shipped.get(name) for name in exercise.editable
        ):
            changed.append(exercise)
    return changed


def passing_as_shipped(
    root: Path, exercises: list[Exercise], budget: float, test_timeout: float | None = None
) -> list[str]:
    """Why each of `exercises` whose editable files pass its tests cannot be recorded as shipped.

    They are graded in a temporary copy of the course, as `python grader` grades them.
    """
    if not exercises:
        return []
    folders = {exercise.folder for exercise in exercises}
    with tempfile.TemporaryDirectory(prefix="awaitlings-manifest-") as scratch:
        parts = tuple(part for part in COURSE_PARTS if part != "solutions")
        copy = copy_course(root, Path(scratch) / "course", parts)
        chosen = [e for e in load_exercises(copy) if e.folder in folders]
        results = grade(copy, chosen, budget=budget, test_timeout=test_timeout)
    problems = []
    for result in results:
        if result.status == "passed":
            exercise = next(e for e in exercises if e.folder == result.exercise.folder)
            files = ", ".join(exercise.editable)
            problems.append(
                f"{exercise.folder} passes as it is now{solved_by_the_reference(root, exercise)}: "
                f"recorded, every learner would receive it solved. A starter must fail its "
                f"tests: put the starter back in {files}, or make the tests catch it"
            )
    return problems


def solved_by_the_reference(root: Path, exercise: Exercise) -> str:
    """' (its views.py is solutions/…/views.py, line for line)' when so; '' otherwise."""
    same = []
    for name in exercise.files:
        reference = root / "solutions" / exercise.folder / name
        mine = exercise.path / name
        if reference.is_file() and mine.is_file() and reference.read_bytes() == mine.read_bytes():
            same.append(f"{name} is solutions/{exercise.folder}/{name}")
    return f" (its {', '.join(same)}, line for line)" if same else ""
