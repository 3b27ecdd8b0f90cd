"""The command line: `python grader [verify] [--json]`.

Exit status: 0 when every exercise passes (or `verify` finds nothing wrong),
1 when some do not, 2 for a usage error or a malformed course.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from course.catalog import ROOT, CatalogError, load_chapters, load_exercises
from grader.report import as_json, show_progress
from grader.run import DEFAULT_BUDGET, grade
from grader.verify import verify

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python grader",
        description="Grade the awaitlings exercises and show what to do next.",
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=["progress", "verify"],
        default="progress",
        help="progress (the default): grade every exercise; "
        "verify: maintainers' check that each exercise fails as shipped and passes solved",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout (see README)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        metavar="SECONDS",
        help=f"hard limit for one test process, killed after it (default {DEFAULT_BUDGET:g})",
    )
    parser.add_argument(
        "--test-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="limit for one test (default: pytest's `timeout` from pyproject.toml)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(soft_wrap=True)
    try:
        if args.command == "verify":
            return run_verify(console, args.budget)
        return run_progress(console, args)
    except CatalogError as error:
        Console(stderr=True).print(f"[red]The course is malformed:[/] {error}")
        return USAGE_ERROR


def run_progress(console: Console, args: argparse.Namespace) -> int:
    exercises = load_exercises(ROOT)
    status = Console(stderr=True)
    if status.is_terminal and not args.json:
        with status.status("Running the exercises…"):
            results = grade(ROOT, exercises, budget=args.budget, test_timeout=args.test_timeout)
    else:
        results = grade(ROOT, exercises, budget=args.budget, test_timeout=args.test_timeout)
    if args.json:
        sys.stdout.write(as_json(results) + "\n")
    else:
        show_progress(console, results, load_chapters(ROOT))
    return 0 if all(r.status == "passed" for r in results) else 1


def run_verify(console: Console, budget: float) -> int:
    problems, as_shipped, with_solutions = verify(Path(ROOT), budget)
    console.print(
        f"Checked {len(as_shipped)} exercises: as shipped, "
        f"{sum(r.status == 'failed' for r in as_shipped)} fail by failing tests; "
        f"with solutions, {sum(r.status == 'passed' for r in with_solutions)} pass."
    )
    for problem in problems:
        console.print(f"[red]✗[/] {problem}", highlight=False)
    if problems:
        return 1
    console.print("[green]✓ every exercise fails as shipped and passes with its solution[/]")
    return 0
