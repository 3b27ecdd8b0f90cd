"""Measure the grader's overhead, side by side in one run.

    python benchmarks/speed.py [--rounds 5]

Three timings over copies of the course, alternating so that machine load
hits them alike:

- bare:  `python -m pytest exercises` with `solutions/` laid over (all green)
- green: `python grader` on that same solved copy
- red:   `python grader` on the course as shipped (every exercise fails)

It prints the medians and the two ratios the project holds itself to:
green/bare (the grader's overhead; goal ≤ 1.3) and red/green (failing tests
fail by detection, not by waiting out timeouts; goal ≤ 1.5).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.workspace import copy_course, overlay  # noqa: E402

GOALS = {"green/bare": 1.3, "red/green": 1.5}


def seconds(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="awaitlings-bench-") as scratch:
        shipped = copy_course(ROOT, Path(scratch) / "shipped")
        solved = copy_course(ROOT, Path(scratch) / "solved")
        for solution in (ROOT / "solutions").iterdir():
            overlay(solved, solution.name, solution)
        times: dict[str, list[float]] = {"bare": [], "green": [], "red": []}
        for _ in range(rounds):
            times["bare"].append(seconds([sys.executable, "-m", "pytest", "-q"], solved))
            times["green"].append(seconds([sys.executable, "grader"], solved))
            times["red"].append(seconds([sys.executable, "grader"], shipped))
    median = {name: statistics.median(values) for name, values in times.items()}
    ratios = {
        "green/bare": median["green"] / median["bare"],
        "red/green": median["red"] / median["green"],
    }
    print(f"medians over {rounds} rounds (Python {sys.version.split()[0]}):")
    for name, value in median.items():
        print(f"  {name:<6} {value:6.2f} s")
    failed = False
    for name, ratio in ratios.items():
        ok = ratio <= GOALS[name]
        failed |= not ok
        print(f"  {name:<10} {ratio:5.2f}  (goal ≤ {GOALS[name]}) {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
