"""Grade a generated class with the gradebook: the time per learner, and whether every verdict
and flag is the one each learner's repository calls for.

    python benchmarks/gradebook.py [--learners 30] [--jobs N]

The class is made from this course's template (`python grader template`), in
four kinds, in turn:

- complete: every exercise solved (`solutions/` laid over): full score, no flag;
- partial:  the exercises of chapter 1 solved: their points only, no flag;
- tampered: nothing solved, every exercise's tests replaced by one that
            passes, a root conftest.py added: 0, flagged (changed protected files);
- hostile:  the solutions, plus exercise 02's views forging the grader's results
            (issue 14's attack): exercise 02 scores 0 and is flagged.

It runs `python grader gradebook` on the class and prints the time per
learner (the run's wall time times jobs over learners, and each learner's own) and
every learner whose score or flags are not as expected; it exits 1 when one is.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.catalog import load_assignment  # noqa: E402
from grader.workspace import overlay  # noqa: E402
from tests.test_sealed import FORGE  # noqa: E402

KINDS = ("complete", "partial", "tampered", "hostile")
HOSTILE_FOLDER = "ex02_missing_await"


def make_class(template: Path, folder: Path, learners: int) -> dict[str, str]:
    """`learners` repositories in `folder`, kinds in turn: name → kind."""
    exercises = load_assignment(ROOT)
    kinds = {}
    for number in range(learners):
        kind = KINDS[number % len(KINDS)]
        name = f"{kind}-{number:02d}"
        repository = folder / name
        shutil.copytree(template, repository)
        for exercise in exercises:
            if kind in ("complete", "hostile") or (kind == "partial" and exercise.chapter == 1):
                overlay(repository, exercise.folder, ROOT / "solutions" / exercise.folder)
            if kind == "tampered":
                for test in (repository / exercise.home).glob("test_*.py"):
                    test.write_text("def test_passes():\n    pass\n", encoding="utf-8")
        if kind == "tampered":
            (repository / "conftest.py").write_text("collect_ignore = ['exercises']\n")
        if kind == "hostile":
            views = repository / "exercises" / HOSTILE_FOLDER / "views.py"
            views.write_text(views.read_text(encoding="utf-8") + FORGE, encoding="utf-8")
        kinds[name] = kind
    return kinds


def expected(kind: str) -> tuple[int, bool]:
    """(score, flagged) that a learner of `kind` must get."""
    exercises = load_assignment(ROOT)
    total = sum(e.points for e in exercises)
    if kind == "complete":
        return total, False
    if kind == "partial":
        return sum(e.points for e in exercises if e.chapter == 1), False
    if kind == "tampered":
        return 0, True
    hostile = next(e for e in exercises if e.folder == HOSTILE_FOLDER)
    return total - hostile.points, True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="awaitlings-class-") as scratch:
        scratch_path = Path(scratch)
        python = sys.executable
        subprocess.run(
            [python, "grader", "template", str(scratch_path / "template")],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        kinds = make_class(scratch_path / "template", scratch_path / "class", args.learners)
        started = time.monotonic()
        done = subprocess.run(
            [python, "grader", "gradebook", str(scratch_path / "class"),
             "--out", str(scratch_path / "out"), "--jobs", str(args.jobs)],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        with open(scratch_path / "out/gradebook.csv", encoding="utf-8") as table:
            rows = list(csv.DictReader(table))
        book = json.loads((scratch_path / "out/gradebook.json").read_text(encoding="utf-8"))
        grades = {row["name"]: row["seconds"] for row in book["learners"]}
    wrong = []
    for row in rows:
        score, flagged = expected(kinds[row["learner"]])
        if (int(row["score"]), bool(row["flags"])) != (score, flagged):
            wrong.append(f"{row['learner']}: {row['score']} points, flags {row['flags']!r}")
    own = sorted(grades.values())
    print(
        f"{args.learners} learners, {args.jobs} side by side: {elapsed:.0f} s in all, "
        f"{elapsed * args.jobs / args.learners:.1f} s per learner per job; each learner's "
        f"own grade: median {own[len(own) // 2]:.1f} s, longest {own[-1]:.1f} s "
        f"(gradebook exit status {done.returncode})"
    )
    for line in wrong:
        print(f"WRONG {line}")
    print(f"{len(rows) - len(wrong)}/{len(rows)} learners scored and flagged as expected")
    return 1 if wrong or len(rows) != args.learners else 0


if __name__ == "__main__":
    sys.exit(main())
