"""The command line: `python grader [command] [options]`.

Exit status: 0 when every exercise graded passes (or `verify` finds nothing
wrong), 1 when some do not, 2 for a usage error or a malformed course.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from course.catalog import ROOT, CatalogError, Exercise, load_chapters, load_exercises
from grader.cache import ResultCache
from grader.discover import UnknownExercise, find_exercise
from grader.integrity import (
    PristineError,
    pristine_copy,
    read_manifest,
    tampering,
    write_manifest,
)
from grader.outputs import publish
from grader.report import as_json, hint_line, show_list, show_progress
from grader.results import ExerciseResult
from grader.run import DEFAULT_BUDGET, grade
from grader.shipped import read_shipped, restore, snapshot, write_shipped
from grader.state import State
from grader.verify import verify
from grader.watch import watch_course

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python grader",
        description="Grade the awaitlings exercises and show what to do next.",
    )
    add_run_options(parser)
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout (see README)"
    )
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    parser.add_argument(
        "--gradescope", metavar="FILE", help="also write a Gradescope results.json to FILE"
    )
    parser.add_argument(
        "--pristine",
        metavar="REF",
        help="grade with the protected files (tests, harness, grader) taken from git REF",
    )
    parser.add_argument(
        "--classroom",
        action="store_true",
        help="also write the classroom autograding result to $GITHUB_OUTPUT as `result`",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="re-grade every exercise, even those unchanged since their last verdict",
    )
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.add_parser("progress", help="grade every exercise and show what to do next (default)")
    run = commands.add_parser("run", help="run one exercise's tests with pytest's full output")
    run.add_argument("exercise", help="id, number (7 or 07) or unique prefix")
    hint = commands.add_parser("hint", help="show the next hint for an exercise")
    hint.add_argument("exercise", help="id, number (7 or 07) or unique prefix")
    hint.add_argument("--all", action="store_true", help="show every hint seen so far")
    commands.add_parser("list", help="every exercise with its chapter, points and state")
    watch = commands.add_parser(
        "watch", help="re-grade the current exercise each time you save one of its files"
    )
    watch.add_argument(
        "--poll",
        action="store_true",
        help="poll files instead of file events (network drives, VMs)",
    )
    reset = commands.add_parser(
        "reset", help="restore an exercise's shipped files (yours are backed up first)"
    )
    reset.add_argument("exercise", help="id, number (7 or 07) or unique prefix")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    commands.add_parser(
        "verify", help="maintainers: every exercise fails as shipped and passes with solutions"
    )
    commands.add_parser(
        "manifest",
        help="maintainers: record the starter files and protected files' digests after a change",
    )
    return parser


def add_run_options(parser: argparse.ArgumentParser) -> None:
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
        help="limit for one test (default: `timeout` in pyproject.toml; 0 turns it off)",
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(soft_wrap=True)
    command = args.command or "progress"
    try:
        exercises = load_exercises(ROOT)
        return COMMANDS[command](console, args, exercises)
    except CatalogError as error:
        Console(stderr=True, soft_wrap=True).print(
            f"[red]The course is malformed:[/] {escape(str(error))}"
        )
        return USAGE_ERROR
    except (UnknownExercise, PristineError) as error:
        Console(stderr=True, soft_wrap=True).print(f"[red]{escape(str(error))}[/]")
        return USAGE_ERROR


def grade_with_status(
    args: argparse.Namespace, exercises: list[Exercise], quiet: bool
) -> list[ExerciseResult]:
    """Grade `exercises`, against pristine protected files if `--pristine` asks for them."""
    status = Console(stderr=True)
    if status.is_terminal and not quiet:
        with status.status("Running the exercises…"):
            return grade_checked(args, exercises)
    return grade_checked(args, exercises)


def grade_checked(args: argparse.Namespace, exercises: list[Exercise]) -> list[ExerciseResult]:
    if not args.pristine:
        # Verdicts for machines (CI, classroom, platforms) are always fresh.
        for_machines = args.json or args.junit or args.gradescope or args.classroom
        cache = None if args.fresh or for_machines else ResultCache(ROOT, args.test_timeout)
        return grade_protected(ROOT, exercises, read_manifest(ROOT), args, cache)
    with tempfile.TemporaryDirectory(prefix="awaitlings-pristine-") as scratch:
        tree, manifest = pristine_copy(ROOT, args.pristine, Path(scratch))
        chosen = {e.folder for e in exercises}
        copied = [e for e in load_exercises(tree) if e.folder in chosen]
        return grade_protected(tree, copied, manifest, args)


def grade_protected(
    root: Path,
    exercises: list[Exercise],
    manifest: dict[str, str],
    args: argparse.Namespace,
    cache: ResultCache | None = None,
) -> list[ExerciseResult]:
    """Tampered exercises are not run: they score 0 and say why.

    With a `cache`, exercises whose kept verdict still holds are not run either.
    """
    tampered = tampering(root, exercises, manifest)
    runnable = [e for e in exercises if e.folder not in tampered]
    keys = {e.folder: cache.key(e) for e in runnable} if cache else {}
    kept = [r for e in runnable if cache and (r := cache.get(e, keys[e.folder]))]
    unchanged = {r.exercise.folder for r in kept}
    graded = grade(
        root,
        [e for e in runnable if e.folder not in unchanged],
        budget=args.budget,
        test_timeout=args.test_timeout,
    )
    if cache:
        cache.put(graded, keys)
    by_folder = {r.exercise.folder: r for r in kept + graded}
    for exercise in exercises:
        if exercise.folder in tampered:
            by_folder[exercise.folder] = ExerciseResult(
                exercise, problem="tampered", problem_message=tampered[exercise.folder]
            )
    return [by_folder[exercise.folder] for exercise in exercises]


def exit_status(results: list[ExerciseResult]) -> int:
    return 0 if all(r.status == "passed" for r in results) else 1


def cmd_progress(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    started = time.monotonic()
    results = grade_with_status(args, exercises, quiet=args.json)
    printed = publish(
        results,
        time.monotonic() - started,
        junit=args.junit,
        gradescope_file=args.gradescope,
        to_classroom=args.classroom,
        stdout_is_json=args.json,
        environ=dict(os.environ),
    )
    if args.json:
        sys.stdout.write(as_json(results) + "\n")
    else:
        elapsed = time.monotonic() - started
        show_progress(console, results, load_chapters(ROOT), next_hint(results), elapsed)
        for line in printed:
            print(line)
    return exit_status(results)


def next_hint(results: list[ExerciseResult]) -> str:
    """The hint line for the next exercise; showing the first hint counts it as seen."""
    pending = [r for r in results if r.status != "passed"]
    if not pending:
        return ""
    exercise = pending[0].exercise
    state = State(ROOT)
    seen = state.hints_seen(exercise)
    if seen == 0:
        state.reveal_hint(exercise)  # shown here: `hint` goes on with the second
    return hint_line(exercise, seen)


def cmd_list(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    results = grade_with_status(args, exercises, quiet=args.json)
    if args.json:
        sys.stdout.write(as_json(results) + "\n")
        return exit_status(results)
    show_list(console, results, load_chapters(ROOT))
    return exit_status(results)


def cmd_run(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    exercise = find_exercise(args.exercise, exercises)
    console.print(f"[bold]{exercise.number:02d} · {escape(exercise.title)}[/]  ({exercise.id})")
    console.print(f"Read:  {exercise.home}/README.md")
    console.print(f"Edit:  {', '.join(exercise.editable)}")
    console.print(f"Stuck? python grader hint {exercise.number}\n")
    command = [sys.executable, "-m", "pytest", exercise.home]
    if args.test_timeout is not None:
        command += ["-o", f"timeout={args.test_timeout}"]
    sys.stdout.flush()
    child = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    try:
        code = child.wait(timeout=args.budget)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        console.print(f"[yellow]Stopped after {args.budget:g} s: something blocks forever.[/]")
        return 1
    except KeyboardInterrupt:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        return 1
    return 0 if code == 0 else 1


def cmd_hint(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    exercise = find_exercise(args.exercise, exercises)
    state = State(ROOT)
    seen = state.hints_seen(exercise)
    if args.all and seen == 0:
        console.print(
            f"No hints seen yet for {exercise.id}: `python grader hint {exercise.number}` "
            "shows the first."
        )
        return 0
    if not args.all:
        seen = state.reveal_hint(exercise)
    shown = range(seen) if args.all else [seen - 1]
    for index in shown:
        console.print(f"[bold]Hint {index + 1}/{len(exercise.hints)}[/] for {exercise.id}:")
        console.print(f"  {escape(exercise.hints[index])}")
    if seen < len(exercise.hints):
        console.print(f"[dim]Run `python grader hint {exercise.number}` again for the next one.[/]")
    else:
        console.print(f"[dim]That was the last hint. The README says more: {exercise.readme}[/]")
    return 0


def cmd_reset(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    exercise = find_exercise(args.exercise, exercises)
    files = ", ".join(exercise.files)
    if snapshot([exercise]) == {path: read_shipped()[path] for path in exercise.editable}:
        verb = "is" if len(exercise.files) == 1 else "are"
        console.print(f"Nothing to reset: {files} of {exercise.id} {verb} as shipped.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            console.print("Not on a terminal, so not asking: add --yes to reset.")
            return USAGE_ERROR
        answer = input(f"Restore the shipped {files} of {exercise.id}? Yours are backed up. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            console.print("Nothing changed.")
            return 1
    backup = State(ROOT).back_up(exercise)
    restored = restore(exercise, ROOT)
    console.print(f"Your version is saved in {backup.relative_to(ROOT)}/")
    console.print(f"Restored as shipped: {', '.join(restored)}")
    return 0


def cmd_watch(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    def grade_these(chosen: list[Exercise]) -> list[ExerciseResult]:
        return grade_with_status(args, chosen, quiet=False)

    return watch_course(console, exercises, grade_these, poll=args.poll)


def cmd_verify(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    problems, as_shipped, with_solutions = verify(ROOT, args.budget)
    if as_shipped:
        console.print(
            f"Checked {len(as_shipped)} exercises: as shipped, "
            f"{sum(r.status == 'failed' for r in as_shipped)} fail by failing tests; "
            f"with solutions, {sum(r.status == 'passed' for r in with_solutions)} pass."
        )
    else:
        console.print("Nothing was graded: the course's records need fixing first.")
    for problem in problems:
        console.print(f"[red]✗[/] {escape(problem)}", highlight=False)
    if problems:
        return 1
    console.print("[green]✓ every exercise fails as shipped and passes with its solution[/]")
    return 0


def cmd_manifest(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    write_shipped(exercises)
    write_manifest(ROOT, exercises)
    console.print(
        f"Recorded the starter files of {len(exercises)} exercises in grader/shipped.json "
        "and the digests of the protected files in grader/manifest.json"
    )
    return 0


COMMANDS = {
    "progress": cmd_progress,
    "list": cmd_list,
    "run": cmd_run,
    "hint": cmd_hint,
    "reset": cmd_reset,
    "watch": cmd_watch,
    "verify": cmd_verify,
    "manifest": cmd_manifest,
}
