"""The teacher's gradebook: the grade of record of a whole class, computed where no learner
can write.

Each learner's repository (a folder, or a git URL cloned here) is graded by
sealed grading (`python grader --submission`), in a process of its own, a few
side by side: the learner's code runs sandboxed there, and only the grader's
JSON document comes back. A learner whose grading fails (a clone refused, a
grade that never ends) gets a row that says so, never a crashed gradebook.

A class too big for one machine is cut in shards (`--shard K/N`, by the
learners' sorted names, so every runner cuts alike); `merge` joins the shards'
`gradebook.json` files into one. The report is written by
`grader.classreport`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.catalog import ASSIGNMENT, ROOT, Exercise
from grader.integrity import PYTEST_CONFIG

GRADE_TIMEOUT = 1800.0  # seconds for one learner's sealed grade (about a minute as a rule)
CLONE_TIMEOUT = 300.0  # seconds for `git clone` of one learner's repository
MAX_DOCUMENT = 16 << 20  # bytes of the grader's JSON document read at most
GRADEBOOK = "gradebook.json"
SEALED_DOCUMENT = {"score", "max_score", "sealed", "exercises"}  # grader/results.schema.json
# Files of a submission that sealed grading ignores, and that no honest learner changes: a
# change there tried to alter the tests or the grader, so the teacher should look.
PROTECTED_PREFIXES = ("exercises/", "grader/", "course/", "solutions/", "tests/")
PROTECTED_NAMES = PYTEST_CONFIG | {ASSIGNMENT}
OUTSIDE_DISAGREED = "the tests passed, but served by a real server"


class GradebookError(Exception):
    """The gradebook cannot start: a source that is no learner, a bad shard, bad shards."""


@dataclass(frozen=True)
class Learner:
    name: str
    source: str  # a folder, or a git URL


@dataclass
class LearnerGrade:
    """One learner's row: the sealed grade's verdicts, or why there is none."""

    name: str
    source: str
    score: int = 0
    max_score: int = 0
    exercises: list[dict] = field(default_factory=list)  # id, status, message, outside, flags
    ignored: list[str] = field(default_factory=list)
    problem: str = ""  # why the learner could not be graded ("" when graded)
    seconds: float = 0.0

    @property
    def flags(self) -> list[str]:
        """What the teacher should look at: code reaching for the grader, tests that passed
        against a server that disagreed, changed protected files, no grade at all."""
        found = [f"not graded: {self.problem}"] if self.problem else []
        for exercise in self.exercises:
            for flag in exercise["flags"]:
                found.append(f"{exercise['id']}: {flag}")
            if exercise["status"] == "tampered":
                found.append(f"{exercise['id']}: tampered: {exercise['message']}")
            elif exercise["message"].startswith(OUTSIDE_DISAGREED):
                found.append(f"{exercise['id']}: the server disagreed with passing tests")
        touched = [path for path in self.ignored if protected(path)]
        if touched:
            found.append(f"changed protected files (ignored): {', '.join(touched)}")
        return found


def protected(path: str) -> bool:
    return path.startswith(PROTECTED_PREFIXES) or Path(path).name in PROTECTED_NAMES


# Finding the learners


def is_url(source: str) -> bool:
    return "://" in source or re.match(r"^[\w.-]+@[\w.-]+:", source) is not None


# `https://user:token@host/…`: what a URL carries before its host.
CREDENTIALS = re.compile(r"(?<=://)[^/@\s]*@")


def shown(text: str) -> str:
    """`text` with any URL's user and password left out: a clone URL with a token must not
    reach the report, the CSV or a message (git prints the URL it failed on)."""
    return CREDENTIALS.sub("", text)


def find_learners(sources: list[str]) -> list[Learner]:
    """The learners `sources` name, sorted by name: each source a learner's repository (a
    folder holding `exercises/`, or a git URL), a folder of such folders, or a text file
    listing sources one per line (`#` starts a comment)."""
    found: list[Learner] = []
    for source in sources:
        found.extend(_learners_of(source, depth=0))
    # Forks keep the template's name (`alice/awaitlings`, `bob/awaitlings`): a name that
    # several URLs share is told apart by the URL's owner.
    shared = Counter(learner.name for learner in found)
    found = [
        Learner(url_name(learner.source, parts=2), learner.source)
        if shared[learner.name] > 1 and is_url(learner.source)
        else learner
        for learner in found
    ]
    names: dict[str, int] = {}
    unique = []
    for learner in sorted(found, key=lambda learner: (learner.name, learner.source)):
        names[learner.name] = names.get(learner.name, 0) + 1
        name = learner.name if names[learner.name] == 1 else f"{learner.name}-{names[learner.name]}"
        unique.append(Learner(name, learner.source))
    return unique


def folder_name(text: str) -> str:
    """`text` as a learner's name that is also a folder name here: never `..`, never empty."""
    return re.sub(r"[^\w-]+", "-", text).strip("-") or "learner"


def url_name(url: str, parts: int = 1) -> str:
    """A learner's name from the last `parts` parts of a repository's URL:
    `https://host/school/ana.git` is `ana`, or `school-ana` with two parts."""
    return folder_name("-".join(re.split(r"[/:]", url.rstrip("/").removesuffix(".git"))[-parts:]))


def _learners_of(source: str, depth: int) -> list[Learner]:
    if is_url(source):
        return [Learner(url_name(source), source)]
    path = Path(source)
    if depth > 0 and not (path / "exercises").is_dir():  # listed: a row that says why
        return [Learner(folder_name(path.name), source)]
    if path.is_dir() and (path / "exercises").is_dir():
        return [Learner(path.resolve().name, str(path.resolve()))]
    if path.is_dir() and depth == 0:
        inside = [folder for folder in sorted(path.iterdir()) if (folder / "exercises").is_dir()]
        if inside:
            return [Learner(folder.name, str(folder.resolve())) for folder in inside]
        raise GradebookError(f"{source}: no learner's repository in it (none holds exercises/)")
    if path.is_file() and depth == 0:
        lines = path.read_text(encoding="utf-8").splitlines()
        listed = [line.split("#", 1)[0].strip() for line in lines]
        return [  # a relative path is read from the list's own folder
            learner
            for line in listed
            if line
            for learner in _learners_of(
                line if is_url(line) else str(path.parent / line), depth + 1
            )
        ]
    raise GradebookError(f"{source}: not a learner's repository, a folder of them, or a list")


def shard(learners: list[Learner], spec: str) -> list[Learner]:
    """The learners of shard `spec` ("K/N"): every N-th, from the K-th, in name order."""
    match = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise GradebookError(f"--shard {spec}: write K/N, with 1 <= K <= N (--shard 2/4)")
    index, count = int(match[1]), int(match[2])
    return learners[index - 1 :: count]


# Grading them


def grade_class(
    learners: list[Learner],
    jobs: int,
    on_graded: Callable[[LearnerGrade], None] = lambda grade: None,
    timeout: float = GRADE_TIMEOUT,
) -> list[LearnerGrade]:
    """Grade every learner, `jobs` at a time; `on_graded` hears of each as it is done."""
    with tempfile.TemporaryDirectory(prefix="awaitlings-gradebook-") as scratch:

        def one(learner: Learner) -> LearnerGrade:
            grade = grade_learner(learner, Path(scratch), timeout)
            on_graded(grade)
            return grade

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(one, learners))


def grade_learner(learner: Learner, scratch: Path, timeout: float) -> LearnerGrade:
    """One learner's sealed grade, in a grader process of its own."""
    started = time.monotonic()
    grade = LearnerGrade(learner.name, shown(learner.source))
    try:
        folder = _checkout(learner, scratch)
        document = _sealed_grade(folder, scratch / f"{learner.name}.json", timeout)
    except GradingFailed as why:
        grade.problem = str(why)
    else:
        grade.score, grade.max_score = document["score"], document["max_score"]
        grade.ignored = document["sealed"]["ignored"]
        grade.exercises = [
            {key: exercise.get(key, "") for key in ("id", "status", "message", "outside")}
            | {"flags": exercise.get("flags", [])}
            for exercise in document["exercises"]
        ]
    grade.seconds = round(time.monotonic() - started, 1)
    return grade


class GradingFailed(Exception):
    """A learner could not be graded; the message says why, for the report."""


def _checkout(learner: Learner, scratch: Path) -> Path:
    if not is_url(learner.source):
        if not (Path(learner.source) / "exercises").is_dir():
            raise GradingFailed(f"{learner.source}: no learner's repository there")
        return Path(learner.source)
    folder = scratch / learner.name
    command = ["git", "clone", "--quiet", "--depth", "1", "--", learner.source, str(folder)]
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}  # never wait for a password
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=CLONE_TIMEOUT, env=environment
        )
    except subprocess.TimeoutExpired:
        raise GradingFailed(f"git clone took longer than {CLONE_TIMEOUT:g} s") from None
    if done.returncode != 0:
        said = " ".join(shown(done.stderr).split())  # one line, for the CSV's cell
        raise GradingFailed(f"git clone failed: {said[-300:]}")
    return folder


def _sealed_grade(folder: Path, output: Path, timeout: float) -> dict:
    command = [sys.executable, str(ROOT / "grader"), "--submission", str(folder), "--json"]
    with open(output, "w+b") as stdout:
        try:
            done = subprocess.run(
                command, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise GradingFailed(f"the sealed grade took longer than {timeout:g} s") from None
        stdout.seek(0)
        raw = stdout.read(MAX_DOCUMENT)
    try:
        document = json.loads(raw)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not document.keys() >= SEALED_DOCUMENT:
        said = done.stderr.decode(errors="replace").strip()[-300:]
        raise GradingFailed(f"the grader gave no result (exit {done.returncode}): {said}")
    return document


# The gradebook file: one per run or shard, what `merge` joins


def listed(exercises: list[Exercise]) -> list[dict]:
    """The exercises as a gradebook file lists them."""
    return [{"id": e.id, "number": e.number, "points": e.points} for e in exercises]


def write_gradebook(
    folder: Path, exercises: list[dict], grades: list[LearnerGrade], shard_spec: str = ""
) -> Path:
    """gradebook.json in `folder`: what `merge` joins (a merged one can be merged again)."""
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "version": 1,
        "shard": shard_spec,
        "exercises": exercises,
        "learners": [asdict(grade) for grade in grades],
    }
    path = folder / GRADEBOOK
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_gradebooks(paths: list[Path]) -> tuple[list[dict], list[LearnerGrade]]:
    """The exercises and learners of the gradebook files at `paths` (files, or the folders
    that hold them), which must have graded the same exercises and no learner twice."""
    exercises: list[dict] | None = None
    grades: dict[str, LearnerGrade] = {}
    for path in paths:
        file = path / GRADEBOOK if path.is_dir() else path
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise GradebookError(f"{file}: not a gradebook ({error})") from None
        if exercises is not None and document["exercises"] != exercises:
            raise GradebookError(f"{file}: graded other exercises than the first gradebook")
        exercises = document["exercises"]
        for row in document["learners"]:
            if row["name"] in grades:
                raise GradebookError(f"{file}: {row['name']} is in two gradebooks")
            grades[row["name"]] = LearnerGrade(**row)
    if exercises is None:
        raise GradebookError("merge: name the shards' gradebook folders or files")
    return exercises, sorted(grades.values(), key=lambda grade: grade.name)
