"""Measure how many plausible bugs in the harness and the grader the project's tests catch.

    python benchmarks/mutations.py [--only NAME ...] [--list]

A grade is only as trustworthy as the tests that guard the code deciding it.
`benchmarks/mutations.toml` lists hand-written one-line bugs ("mutations"):
each names a file, the exact text to find there (once), what replaces it, why
the bug is plausible, and the tests that should catch it. For each one, in a
scratch copy of the checkout (what git tracks, with your uncommitted edits):

0. first, each mutation's tests run once on the unmutated copy: tests that fail
   already would "catch" anything, so their mutations are reported `broken`;
1. apply it; a mutation whose text is no longer found is reported `stale`;
2. run `python grader manifest`, so the tamper check cannot be what catches
   it (a manifest that refuses, because a starter now passes, counts as caught);
3. run its tests; any failure catches it.

It prints each verdict and `caught/total`, and exits 1 below GOAL (issue 16:
95 %). A run of the whole list takes about half an hour on a 2-core machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = Path(__file__).with_name("mutations.toml")
GOAL = 0.95
PER_RUN = 600  # seconds one mutation's tests may take


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    find: str
    replace: str
    why: str
    tests: list[str]


def load(path: Path = LIST) -> list[Mutation]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Mutation(**entry) for entry in data["mutation"]]


def checkout_copy(scratch: Path) -> Path:
    """A clone of this checkout at `scratch/repo`, with what git tracks as it is in the
    working tree committed on top (some tests grade against git refs)."""
    repo = scratch / "repo"
    git = ["git", "-c", "user.name=mutations", "-c", "user.email=mutations@localhost"]
    subprocess.run([*git, "clone", "-q", str(ROOT), str(repo)], check=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, repo / name)
    subprocess.run([*git, "commit", "-qam", "the working tree"], cwd=repo, capture_output=True)
    return repo


def run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=repo, capture_output=True, text=True, timeout=PER_RUN
    )


def pytest(repo: Path, tests: list[str]) -> subprocess.CompletedProcess[str]:
    return run(repo, "-m", "pytest", "-x", "-q", "-p", "no:randomly", *tests)


def green(repo: Path, mutations: list[Mutation]) -> dict[tuple[str, ...], str]:
    """Each distinct set of tests, run once without a mutation: '' when it passes, else why."""
    found = {}
    for tests in dict.fromkeys(tuple(m.tests) for m in mutations):
        done = pytest(repo, list(tests))
        lines = done.stdout.strip().splitlines() or ["no output"]
        failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
        why = " · ".join([*failed[:1], lines[-1]])  # which test, and the count
        found[tests] = "" if done.returncode == 0 else f"they fail unmutated ({why[:200]})"
    return found


def verdict(repo: Path, mutation: Mutation) -> str:
    """`caught …`, `survived` or `stale`, with the mutation applied to `repo` and undone."""
    target = repo / mutation.file
    original = target.read_text(encoding="utf-8")
    if original.count(mutation.find) != 1:
        return f"stale: its text is found {original.count(mutation.find)} times"
    records = [repo / "grader" / name for name in ("manifest.json", "shipped.json")]
    kept = {path: path.read_bytes() for path in records}
    target.write_text(original.replace(mutation.find, mutation.replace), encoding="utf-8")
    try:
        manifest = run(repo, "grader", "manifest")
        if manifest.returncode != 0:
            return "caught by `grader manifest`: " + manifest.stdout.strip().splitlines()[-1]
        tests = pytest(repo, mutation.tests)
        if tests.returncode == 0:
            return "survived"
        if tests.returncode == 5:  # pytest collected no tests: nothing was tried
            return "survived: pytest collected none of its tests"
        if tests.returncode not in (1, 2):  # 1: tests failed; 2: collection failed
            last = (tests.stdout + tests.stderr).strip().splitlines()[-1:]
            return f"broken: pytest exit {tests.returncode} ({' '.join(last)[:100]})"
        said = tests.stdout.splitlines()
        failed = [line for line in said if line.startswith(("FAILED", "ERROR"))]
        return "caught: " + (failed[0][:110] if failed else f"exit {tests.returncode}")
    except subprocess.TimeoutExpired:
        return f"caught: its tests ran past {PER_RUN} s"
    finally:
        target.write_text(original, encoding="utf-8")
        for path, content in kept.items():
            path.write_bytes(content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", default=[], help="run these mutations alone")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    args = parser.parse_args()
    mutations = [m for m in load() if not args.only or m.name in args.only]
    if args.list:
        for mutation in mutations:
            print(f"{mutation.name:40} {mutation.file}: {mutation.why}")
        return 0
    caught = broken = 0
    with tempfile.TemporaryDirectory(prefix="awaitlings-mutations-") as scratch:
        repo = checkout_copy(Path(scratch))
        baseline = green(repo, mutations)
        for mutation in mutations:
            started = time.monotonic()
            unmutated = baseline[tuple(mutation.tests)]
            found = f"broken: {unmutated}" if unmutated else verdict(repo, mutation)
            caught += found.startswith("caught")
            broken += found.startswith(("broken", "stale"))
            seconds = time.monotonic() - started
            print(f"{mutation.name:40} {seconds:5.0f} s  {found}", flush=True)
    share = caught / len(mutations) if mutations else 0.0
    print(f"\n{caught}/{len(mutations)} caught ({share:.0%}; goal {GOAL:.0%})")
    if broken:
        print(f"{broken} could not be tried (stale or broken): fix benchmarks/mutations.toml")
    return 0 if share >= GOAL and not broken else 1


if __name__ == "__main__":
    sys.exit(main())
