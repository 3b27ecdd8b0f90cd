"""The list of exercises, read from each `exercises/*/exercise.toml`.

Exercises are data: adding a folder with an `exercise.toml` adds an exercise to
the Django project (settings and root urls), to the grader and to `verify`.
Nothing here imports Django or the learner's code, so a broken exercise can
never break the catalog.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER_PATTERN = re.compile(r"^ex(\d{2})_([a-z0-9_]+)$")


class CatalogError(Exception):
    """An exercise folder or its metadata is malformed (a maintainer's mistake)."""


@dataclass(frozen=True)
class Exercise:
    id: str
    number: int
    folder: str
    title: str
    chapter: int
    points: int
    files: tuple[str, ...]
    hints: tuple[str, ...]
    path: Path
    # The exercise's own middleware (dotted paths inside its package), which the course
    # puts after the project's MIDDLEWARE for the exercise's pages only (`course/asgi.py`).
    middleware: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        """The dotted name Django and pytest import this exercise as."""
        return f"exercises.{self.folder}"

    @property
    def home(self) -> str:
        """The exercise's folder relative to the course root, as learners see it."""
        return f"exercises/{self.folder}"

    @property
    def editable(self) -> tuple[str, ...]:
        """The learner's files, relative to the course root."""
        return tuple(f"{self.home}/{name}" for name in self.files)

    @property
    def readme(self) -> Path:
        return self.path / "README.md"


def load_chapters(root: Path = ROOT) -> dict[int, str]:
    """Chapter number → title, from `exercises/chapters.toml`."""
    data = tomllib.loads((root / "exercises" / "chapters.toml").read_text(encoding="utf-8"))
    return {int(number): title for number, title in data["chapters"].items()}


def load_exercises(root: Path = ROOT) -> list[Exercise]:
    """Every exercise under `root/exercises`, in course order."""
    if not (root / "exercises").is_dir():
        raise CatalogError(f"no exercises/ folder in {root}")
    exercises = [
        load_exercise(toml.parent) for toml in (root / "exercises").glob("*/exercise.toml")
    ]
    return sorted(exercises, key=lambda exercise: exercise.number)


def load_exercise(path: Path) -> Exercise:
    match = FOLDER_PATTERN.match(path.name)
    if not match:
        raise CatalogError(f"{path.name}: exercise folders are named exNN_<id>")
    name = f"{path.name}/exercise.toml"
    try:
        data = tomllib.loads((path / "exercise.toml").read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise CatalogError(f"{name} is not UTF-8 text (byte {error.start})") from error
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{name}: {error}") from error
    missing = {"id", "title", "chapter", "points", "files", "hints"} - data.keys()
    if missing:
        raise CatalogError(f"{name} lacks {', '.join(sorted(missing))}")
    if data["id"] != match.group(2):
        raise CatalogError(f"{name}: id must be {match.group(2)!r}")
    if problems := _problems(data):
        raise CatalogError(f"{name}: {'; '.join(problems)}")
    return Exercise(
        id=data["id"],
        number=int(match.group(1)),
        folder=path.name,
        title=data["title"],
        chapter=data["chapter"],
        points=data["points"],
        files=tuple(data["files"]),
        hints=tuple(data["hints"]),
        path=path,
        middleware=tuple(f"exercises.{path.name}.{name}" for name in data.get("middleware", [])),
    )


def not_loaded(folder: str, error: Exception) -> str:
    """What an exercise's pages say when its code (urls, views, middleware) could not be
    loaded; the course's other exercises go on working."""
    return f"exercise {folder} could not be loaded: {type(error).__name__}: {error}"


def _problems(data: dict) -> list[str]:
    """What is wrong with the values of an exercise.toml (its keys are all there)."""
    problems = []
    if not _text(data["title"]):
        problems.append(f"title must be text, not {data['title']!r}")
    for key in ("chapter", "points"):
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"{key} must be a whole number above 0, not {value!r}")
    files = data["files"]
    if not isinstance(files, list) or not files or not all(map(_text, files)):
        problems.append(f"files must be a list of file names, not {files!r}")
    elif any(Path(f).is_absolute() or ".." in Path(f).parts for f in files):
        problems.append(f"files must name files inside the exercise's folder, not {files!r}")
    hints = data["hints"]
    if not isinstance(hints, list) or not all(map(_text, hints)):
        problems.append(f"hints must be a list of texts, not {hints!r}")
    elif len(hints) < 2:
        problems.append("give at least two progressive hints")
    middleware = data.get("middleware", [])
    if not isinstance(middleware, list) or not all(map(_text, middleware)):
        problems.append(f"middleware must be a list of dotted names, not {middleware!r}")
    return problems


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


ASSIGNMENT = "awaitlings.toml"


def load_assignment(root: Path = ROOT) -> list[Exercise]:
    """The exercises the teacher's `awaitlings.toml` assigns, with its points: every exercise
    of the course when it selects none (or when there is no such file)."""
    exercises = load_exercises(root)
    path = root / ASSIGNMENT
    if not path.is_file():
        return exercises
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{ASSIGNMENT}: {error}") from error
    chosen, points = data.get("assignment", {}), data.get("points", {})
    chapters, named = chosen.get("chapters"), chosen.get("exercises")
    for key, value in (("chapters", chapters), ("exercises", named)):
        if value is not None and not isinstance(value, list):
            raise CatalogError(f"{ASSIGNMENT}: {key} must be a list, not {value!r}")
    by_name = {e.id: e for e in exercises} | {e.number: e for e in exercises}
    unknown = [name for name in [*(named or []), *points] if name not in by_name]
    if unknown:
        raise CatalogError(f"{ASSIGNMENT} names no exercise of the course: {unknown}")
    bad = {name: value for name, value in points.items() if not _points(value)}
    if bad:
        raise CatalogError(f"{ASSIGNMENT}: points must be whole numbers above 0, not {bad}")
    picked = {by_name[name].id for name in named} if named is not None else None
    assigned = [
        replace(exercise, points=points.get(exercise.id, exercise.points))
        for exercise in exercises
        if (chapters is None or exercise.chapter in chapters)
        and (picked is None or exercise.id in picked)
    ]
    if not assigned:
        raise CatalogError(f"{ASSIGNMENT} assigns no exercise: check its chapters and exercises")
    return assigned


def _points(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
