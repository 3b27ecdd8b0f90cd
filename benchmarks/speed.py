"""Measure how fast the learner's loop is, every figure beside its goal.

    python benchmarks/speed.py [--rounds 5] [--suite]

Over copies of the course, alternating so that machine load hits them alike:

- bare:      `python -m pytest exercises` with `solutions/` laid over (all green)
- green:     `python grader --fresh` on that same solved copy
- red:       `python grader --fresh` on the course as shipped (every exercise fails)
- unchanged: `python grader list` once every verdict is kept (nothing re-graded)
- one:       `python -m pytest exercises/ex01_first_async_view`, as shipped
- watch:     `python grader watch`: from a save to the verdict, and from that
             verdict (a pass) to the next exercise's
- suite:     with --suite, the project's own tests, run by the README's test
             command (the one `.ci/run` uses) in this checkout's virtualenv
- sealed:    with --sealed, `python grader --submission SOLVED --json` from the
             shipped copy: a sealed grade of the solved course (every exercise's
             tests sandboxed, every outside check served by uvicorn)

It prints the medians and the goals the project holds itself to: green/bare
(the grader's overhead; ≤ 1.3), red/green (failing tests fail by detection,
not by waiting out timeouts; ≤ 1.5), unchanged ≤ 0.5 s, and each watch
figure ≤ 0.6 s (the watch forks its runs from a warm worker: `grader/worker.py`),
the suite ≤ 120 s and a sealed grade ≤ 90 s. It exits 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.workspace import copy_course, overlay  # noqa: E402

FIRST = "ex01_first_async_view"
SECOND = "02 missing_await"
GOALS = {
    "green/bare": 1.3,
    "red/green": 1.5,
    "unchanged": 0.5,
    "watch: save": 0.6,
    "watch: next": 0.6,
    "suite": 120,
    "sealed": 90,
}
TIMED = ("bare", "green", "red", "unchanged", "one", "watch: save", "watch: next")


def suite_command() -> list[str]:
    """The pytest part of the README's test command, as `.ci/run` holds it."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"^TEST_COMMAND='(.+)'$", ci, re.MULTILINE).group(1)
    pytest_part = command.split("&&")[-1].split()
    return [sys.executable, *pytest_part[1:]]  # this interpreter for `.venv/bin/python`


def seconds(command: list[str], cwd: Path, must_pass: bool = False) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if must_pass and done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed (exit status {done.returncode}): no figure")
    return time.perf_counter() - started


def watch_once(scratch: Path, number: int) -> tuple[float, float]:
    """Seconds from a save to the verdict, and from that pass to the next exercise's verdict."""
    tree = copy_course(ROOT, scratch / f"watch{number}")
    watcher = subprocess.Popen(
        [sys.executable, "grader", "watch"],
        cwd=tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put((time.perf_counter(), line)) for line in watcher.stdout],
        daemon=True,
    ).start()

    def printed(text: str) -> float:
        while True:
            at, line = lines.get(timeout=120)
            if text in line:
                return at

    try:
        printed(f"Watching exercises/{FIRST}/")
        time.sleep(0.5)  # let the watcher settle, as a learner reading the message would
        saved = time.perf_counter()
        solution = (ROOT / "solutions" / FIRST / "views.py").read_text(encoding="utf-8")
        (tree / "exercises" / FIRST / "views.py").write_text(solution, encoding="utf-8")
        passed = printed("01 first_async_view: passed")
        moved = printed(f"{SECOND}: failed")
        return passed - saved, moved - passed
    finally:
        watcher.terminate()
        watcher.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--suite", action="store_true", help="also time the project's own tests (minutes)"
    )
    parser.add_argument(
        "--sealed", action="store_true", help="also time a sealed grade of the solved course"
    )
    args = parser.parse_args()
    rounds = args.rounds
    timed = (*TIMED, *(name for name in ("suite", "sealed") if getattr(args, name)))
    times: dict[str, list[float]] = {name: [] for name in timed}
    with tempfile.TemporaryDirectory(prefix="awaitlings-bench-") as scratch:
        shipped = copy_course(ROOT, Path(scratch) / "shipped")
        solved = copy_course(ROOT, Path(scratch) / "solved")
        for solution in (ROOT / "solutions").iterdir():
            overlay(solved, solution.name, solution)
        seconds([sys.executable, "grader"], shipped)  # keeps every verdict for `unchanged`
        for number in range(rounds):
            times["bare"].append(seconds([sys.executable, "-m", "pytest", "-q"], solved))
            times["green"].append(seconds([sys.executable, "grader", "--fresh"], solved))
            times["red"].append(seconds([sys.executable, "grader", "--fresh"], shipped))
            times["unchanged"].append(seconds([sys.executable, "grader", "list"], shipped))
            one = [sys.executable, "-m", "pytest", "-q", f"exercises/{FIRST}"]
            times["one"].append(seconds(one, shipped))
            save, move = watch_once(Path(scratch), number)
            times["watch: save"].append(save)
            times["watch: next"].append(move)
            if args.suite:
                times["suite"].append(seconds(suite_command(), ROOT, must_pass=True))
            if args.sealed:
                sealed = [sys.executable, "grader", "--submission", str(solved), "--json"]
                times["sealed"].append(seconds(sealed, shipped, must_pass=True))
    median = {name: statistics.median(values) for name, values in times.items()}
    figures = {
        **median,
        "green/bare": median["green"] / median["bare"],
        "red/green": median["red"] / median["green"],
    }
    print(f"medians over {rounds} rounds (Python {sys.version.split()[0]}):")
    failed = False
    for name, value in figures.items():
        unit = "" if "/" in name else " s"
        goal = GOALS.get(name)
        verdict = ""
        if goal is not None:
            ok = value <= goal
            failed |= not ok
            verdict = f"  (goal ≤ {goal}{unit}) {'ok' if ok else 'MISSED'}"
        print(f"  {name:<12} {value:6.2f}{unit}{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
