"""The command line: `python grader [command] [options]`.

Exit status: 0 when every exercise graded passes (or `verify` finds nothing
wrong, or `solution` showed the reference), 1 when some do not, 2 for a usage
error or a malformed course.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from course.catalog import (
    ROOT,
    CatalogError,
    Exercise,
    load_assignment,
    load_chapters,
    load_exercises,
)
from grader import timeline
from grader.cache import ResultCache
from grader.classreport import write_report
from grader.discover import UnknownExercise, find_exercise
from grader.gradebook import (
    GradebookError,
    Learner,
    LearnerGrade,
    find_learners,
    grade_class,
    listed,
    read_gradebooks,
    shard,
    write_gradebook,
)
from grader.gradescope import build_zip
from grader.integrity import (
    read_manifest,
    tampering,
    write_manifest,
)
from grader.live import MAX_VISITORS, LiveError, live_plan, run_live
from grader.live import as_json as live_json
from grader.outputs import JUNIT_FLAVORS, OutputError, check_outputs, publish
from grader.report import as_json, hint_line, show_list, show_progress
from grader.results import ExerciseResult
from grader.run import DEFAULT_BUDGET, grade, warm_worker
from grader.sealed.submission import SubmissionError
from grader.shipped import read_shipped, restore, snapshot, write_shipped
from grader.solution import compare, has_reference, no_reference
from grader.solution import show as show_solution
from grader.state import State
from grader.template import TemplateError, export_template
from grader.verify import changed_since_recorded, passing_as_shipped, verify
from grader.watch import watch_course

if TYPE_CHECKING:
    from grader.sealed.grade import SealedRun
    from grader.warm import WarmWorker

USAGE_ERROR = 2


class OneLineParser(argparse.ArgumentParser):
    """A usage error is one line on stderr (not the whole usage), and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


# Time limits a run can use: pytest-timeout errs below a millisecond or so (every test
# "never ran", blamed on the learner), and so does its timer beyond about 1e9 s.
SHORTEST, LONGEST = 0.01, 86400.0


def budget_seconds(text: str) -> float:
    """`--budget`: seconds, from SHORTEST to LONGEST (argparse reports others in one line)."""
    value = _number(text)
    if not SHORTEST <= value <= LONGEST:  # nan is not
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds from {SHORTEST:g} to {LONGEST:g}, not {text!r}"
        )
    return value


def timeout_seconds(text: str) -> float:
    """`--test-timeout`: seconds, from SHORTEST to LONGEST, or 0 (which turns the limit off)."""
    value = _number(text)
    if not (value == 0 or SHORTEST <= value <= LONGEST):
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds from {SHORTEST:g} to {LONGEST:g}, or 0 for no limit, "
            f"not {text!r}"
        )
    return value


def _number(text: str) -> float:
    """`text` as a number; nan when it is none (which no bound accepts)."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def git_ref(text: str) -> str:
    """`--pristine`: a git ref; an empty one would grade against the learner's own files."""
    if not text.strip() or text.startswith("-"):
        raise argparse.ArgumentTypeError(f"must name a git branch, tag or commit, not {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python grader",
        description="Grade the awaitlings exercises and show what to do next.",
    )
    add_run_options(parser)
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout (see README)"
    )
    parser.add_argument(
        "--json-file", metavar="FILE", help="also write the JSON document to FILE (see README)"
    )
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    parser.add_argument(
        "--junit-flavor",
        choices=JUNIT_FLAVORS,
        default="strict",
        help="strict: the attributes Jenkins' schema allows (default); gitlab: also `file`, "
        "the learner's file a failure names, for GitLab's test report",
    )
    parser.add_argument(
        "--gradescope", metavar="FILE", help="also write a Gradescope results.json to FILE"
    )
    parser.add_argument(
        "--submission",
        metavar="DIR",
        help="sealed grading: grade the editable files in DIR with this (trusted) course; "
        "learner code runs sandboxed and every point is confirmed by a server check",
    )
    parser.add_argument(
        "--pristine",
        metavar="REF",
        type=git_ref,
        help="sealed grading of this working tree by the course as committed at git REF "
        "(a commit the learner cannot move)",
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
    solution = commands.add_parser(
        "solution", help="once an exercise passes, its reference solution beside your files"
    )
    solution.add_argument("exercise", help="id, number (7 or 07) or unique prefix")
    solution.add_argument(
        "--force", action="store_true", help="show it even though the exercise does not pass yet"
    )
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
    live = commands.add_parser(
        "live",
        help="serve an exercise's view under uvicorn, yours and as shipped, send both many "
        "requests at once, and draw each request's timeline",
    )
    live.add_argument("exercise", help="id, number (7 or 07) or unique prefix")
    live.add_argument(
        "--visitors", type=int, metavar="N", help="requests sent at once (default: the exercise's)"
    )
    live.add_argument("--html", metavar="FILE", help="also write the timeline as an HTML page")
    live.add_argument(  # as the global --json, also after the exercise
        "--json", action="store_true", default=argparse.SUPPRESS, help="print it as JSON"
    )
    commands.add_parser(
        "verify", help="maintainers: every exercise fails as shipped and passes with solutions"
    )
    template = commands.add_parser(
        "template",
        help="maintainers: export the repository a learner receives (no solutions/, no tests/)",
    )
    template.add_argument("directory", metavar="DIR", help="a new or empty folder")
    gradescope_zip = commands.add_parser(
        "gradescope-zip",
        help="teachers: the autograder zip to upload to Gradescope (the course without its "
        "answers, with setup.sh and run_autograder)",
    )
    gradescope_zip.add_argument(
        "file", metavar="FILE", nargs="?", default="awaitlings-gradescope.zip", help="a new file"
    )
    gradebook = commands.add_parser(
        "gradebook",
        help="teachers: the grade of record of a class, each learner's repository sealed-graded "
        "(`gradebook merge DIR...` joins shards)",
    )
    gradebook.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="a learner's repository (folder or git URL), a folder of them, or a file listing "
        "them one per line",
    )
    gradebook.add_argument(
        "--out", metavar="DIR", default="gradebook", help="where to write the report (gradebook/)"
    )
    gradebook.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="learners graded side by side (default: the machine's cores)",
    )
    gradebook.add_argument(
        "--shard", metavar="K/N", help="grade only the K-th of N shards (a CI matrix)"
    )
    commands.add_parser(
        "manifest",
        help="maintainers: record the starter files and protected files' digests after a change "
        "(refused while a changed exercise passes as it is)",
    )
    return parser


def add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--budget",
        type=budget_seconds,
        default=DEFAULT_BUDGET,
        metavar="SECONDS",
        help=f"hard limit for one test process, killed after it (default {DEFAULT_BUDGET:g})",
    )
    parser.add_argument(
        "--test-timeout",
        type=timeout_seconds,
        default=None,
        metavar="SECONDS",
        help="limit for one test (default: `timeout` in pyproject.toml; 0 turns it off)",
    )


def main(argv: list[str] | None = None) -> int:
    tolerate_encoding(sys.stderr, "replace")
    args = build_parser().parse_args(argv)
    tolerate_encoding(sys.stdout, JSON_ESCAPE if args.json else "replace")
    console = Console(soft_wrap=True)
    errors = Console(stderr=True, soft_wrap=True)
    command = args.command or "progress"
    try:
        if command == "progress":  # checked before grading, so no run is wasted
            check_outputs(
                json_file=args.json_file,
                junit=args.junit,
                gradescope_file=args.gradescope,
                to_classroom=args.classroom,
                environ=dict(os.environ),
            )
        if args.submission and command != "progress":
            errors.print(f"--submission grades the whole course: use it without `{command}`")
            return USAGE_ERROR
        if args.pristine:  # grader/__main__.py runs it, before anything of the tree is imported
            errors.print("--pristine works from the command line: python grader --pristine REF")
            return USAGE_ERROR
        whole = command in WHOLE_COURSE
        exercises = load_exercises(ROOT) if whole else load_assignment(ROOT)
        return COMMANDS[command](console, args, exercises)
    except CatalogError as error:
        errors.print(f"[red]The course is malformed:[/] {escape(str(error))}")
        return USAGE_ERROR
    except (UnknownExercise, OutputError, SubmissionError, GradebookError) as error:
        errors.print(f"[red]{escape(str(error))}[/]")
        return USAGE_ERROR
    except OSError as error:  # a read-only checkout, a full disk: one line, not a traceback
        errors.print(f"[red]{escape(os_problem(error))}[/]")
        return USAGE_ERROR


def os_problem(error: OSError) -> str:
    """One line for an OSError, saying why the grader needs `.awaitlings/` when it is that."""
    line = f"Cannot go on: {error.strerror or error}"
    if error.filename:
        line += f": {error.filename}"
    if str(error.filename).startswith(str(ROOT / ".awaitlings")):
        line += " (hints seen and backups are kept in .awaitlings/, which must be writable)"
    return line


JSON_ESCAPE = "awaitlings-json-escape"


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """Characters stdout cannot encode, as JSON `\\uXXXX` escapes: the document stays whole."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    units = error.object[error.start : error.end].encode("utf-16-be", "surrogatepass")
    escaped = "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))
    return escaped, error.end


codecs.register_error(JSON_ESCAPE, _json_escape)


def tolerate_encoding(stream: object, errors: str) -> None:
    """Where the terminal cannot show ✓, ✗ or — (PYTHONIOENCODING=ascii), degrade, never crash."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors=errors)


def grade_with_status(
    args: argparse.Namespace,
    exercises: list[Exercise],
    quiet: bool,
    worker: WarmWorker | None = None,
) -> list[ExerciseResult]:
    """Grade `exercises` in this tree, showing a status line on a terminal unless `quiet`."""
    status = Console(stderr=True)
    if status.is_terminal and not quiet:
        with status.status("Running the exercises…"):
            return grade_checked(args, exercises, worker)
    return grade_checked(args, exercises, worker)


def for_machines(args: argparse.Namespace) -> bool:
    """True when a machine reads the verdicts (CI, a classroom, a platform): those are always
    graded fresh, never taken from `.awaitlings/results.json`, which a learner can commit."""
    return bool(args.json or args.json_file or args.junit or args.gradescope or args.classroom)


def grade_checked(
    args: argparse.Namespace, exercises: list[Exercise], worker: WarmWorker | None = None
) -> list[ExerciseResult]:
    cache = None if args.fresh or for_machines(args) else ResultCache(ROOT, args.test_timeout)
    return grade_protected(ROOT, exercises, read_manifest(ROOT), args, cache, worker)


def grade_protected(
    root: Path,
    exercises: list[Exercise],
    manifest: dict[str, str],
    args: argparse.Namespace,
    cache: ResultCache | None = None,
    worker: WarmWorker | None = None,
) -> list[ExerciseResult]:
    """Tampered exercises are not run: they score 0 and say why.

    With a `cache`, exercises whose kept verdict still holds are not run either;
    with a warm `worker`, the runs are forks of it (`grader.worker`).
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
        worker=worker,
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
    sealed = None
    if args.submission:
        # imported here: uvicorn and httpx cost `list` and `watch` 0.2 s they never use
        from grader.sealed.grade import grade_sealed

        submission = Path(args.submission)
        budget, timeout = args.budget, args.test_timeout
        sealed = grade_sealed(ROOT, submission, exercises, budget=budget, test_timeout=timeout)
        results = sealed.results
    else:
        results = grade_with_status(args, exercises, quiet=args.json)
    about = sealed_about(sealed) if sealed else None
    if args.json_file:
        Path(args.json_file).write_text(as_json(results, about) + "\n", encoding="utf-8")
    printed = publish(
        results,
        time.monotonic() - started,
        junit=args.junit,
        junit_flavor=args.junit_flavor,
        gradescope_file=args.gradescope,
        to_classroom=args.classroom,
        stdout_is_json=args.json,
        environ=dict(os.environ),
        ignored=sealed.ignored if sealed else (),
    )
    if args.json:
        sys.stdout.write(as_json(results, about) + "\n")
    else:
        elapsed = time.monotonic() - started
        hint = None if sealed else next_hint(results)  # a teacher's grade: no next step
        solved = None if sealed else latest_solved(results)
        show_progress(console, results, load_chapters(ROOT), hint, elapsed, solved)
        if about:
            show_sealed(console, results, about)
        for line in printed:
            print(line)
    return exit_status(results)


def latest_solved(results: list[ExerciseResult]) -> Exercise | None:
    """The last exercise in course order that passes and has a reference solution to show."""
    passed = [r.exercise for r in results if r.status == "passed"]
    return next((e for e in reversed(passed) if has_reference(ROOT, e)), None)


def sealed_about(sealed: SealedRun) -> dict[str, object]:
    return {
        "mode": "sealed",
        "submission": str(sealed.submission),
        "confinement": sealed.confinement,
        "ignored": sealed.ignored,
    }


def show_sealed(console: Console, results: list[ExerciseResult], about: dict) -> None:
    """What a teacher reads under a sealed grade: each verdict's reason, the outside check's
    finding, the static check's flags, and what of the submission was ignored."""
    console.print(f"\n[bold]Sealed grade of {escape(str(about['submission']))}[/]")
    console.print(f"{escape(str(about['confinement'])).capitalize()}.")
    for result in results:
        notes = [f"{result.status}: {result.message}"] if result.status != "passed" else []
        notes += [f"outside check: {result.outside}"] if result.outside else []
        notes += [f"flag: {flag}" for flag in result.flags]
        for note in notes:
            console.print(f"  {result.exercise.number:02d} {escape(note)}", highlight=False)
    if about["ignored"]:
        names = ", ".join(about["ignored"])
        console.print(f"Ignored (not the exercises' editable files): {escape(names)}")


def next_hint(results: list[ExerciseResult]) -> str:
    """The hint line for the next exercise; showing the first hint counts it as seen."""
    pending = [r for r in results if r.status != "passed"]
    if not pending:
        return ""
    exercise = pending[0].exercise
    state = State(ROOT)
    seen = state.hints_seen(exercise)
    if seen == 0:
        with contextlib.suppress(OSError):  # a read-only checkout: shown, not counted
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
        console.print(
            f"[dim]Run `python grader hint {exercise.number}` again for exercise "
            f"{exercise.number:02d}'s next hint.[/]"
        )
    else:
        readme = f"{exercise.home}/README.md"  # as the course names its files, not absolute
        console.print(f"[dim]That was the last hint. The README says more: {readme}[/]")
    return 0


def cmd_solution(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    """The reference beside the learner's files, once the exercise passes (see grader/solution.py).

    Exit status 0 when it was shown, 1 when it was not: the exercise does not pass yet
    (without --force), or this copy of the course has no reference for it.
    """
    exercise = find_exercise(args.exercise, exercises)
    if not has_reference(ROOT, exercise):
        console.print(no_reference(ROOT, exercise), highlight=False)
        return 1
    passed = False
    if not args.force:
        [result] = grade_with_status(args, [exercise], quiet=False)
        passed = result.status == "passed"
        if not passed:
            show_not_yet(console, result)
            return 1
    show_solution(console, exercise, compare(ROOT, exercise), passed)
    return 0


def show_not_yet(console: Console, result: ExerciseResult) -> None:
    """Why the reference waits, and what helps meanwhile."""
    exercise = result.exercise
    seen = State(ROOT).hints_seen(exercise)
    console.print(
        f"{exercise.number:02d} {exercise.id} does not pass yet ({result.status}), so its "
        "reference solution waits: finding the way is the exercise, and the reference is "
        "worth more beside a view of your own that passes.",
        highlight=False,
    )
    console.print(f"  Why it fails: {escape(result.message)}", highlight=False)
    console.print(
        f"  Stuck? `python grader hint {exercise.number}` ({seen}/{len(exercise.hints)} hints "
        f"seen), and {exercise.home}/README.md",
        highlight=False,
    )
    console.print(
        f"  To read it anyway: `python grader solution {exercise.number} --force`", highlight=False
    )


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
    # Every run of the watch is a fork of one warm worker, started now: a verdict
    # comes without waiting for Python, pytest and the harness to start each time.
    with warm_worker(ROOT) as worker:

        def grade_these(chosen: list[Exercise]) -> list[ExerciseResult]:
            return grade_with_status(args, chosen, quiet=False, worker=worker)

        return watch_course(
            console,
            exercises,
            grade_these,
            poll=args.poll,
            has_reference=lambda exercise: has_reference(ROOT, exercise),
        )


def cmd_verify(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    if not (ROOT / "solutions").is_dir():  # a learner's copy (`python grader template`)
        Console(stderr=True, soft_wrap=True).print(
            "verify checks the exercises against solutions/, which is not part of a learner's "
            "copy of the course: run it in the teacher's full copy",
            highlight=False,
        )
        return USAGE_ERROR
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
    """Record the starters and the protected files, once no starter about to be recorded passes.

    Only what changed since the last record is graded (every exercise when a
    shared file changed), so a change to one exercise costs one exercise's run.
    There is no way round a refusal: a starter that passes is never what a
    learner should receive, and `verify` would fail on it anyway.
    """
    changed = changed_since_recorded(ROOT, exercises)
    status = Console(stderr=True)
    checking = "Grading what changed since the last record: no starter may pass…"
    with status.status(checking) if status.is_terminal and changed else contextlib.nullcontext():
        problems = passing_as_shipped(ROOT, changed, args.budget, args.test_timeout)
    if problems:
        for problem in problems:
            console.print(f"[red]✗[/] {escape(problem)}", highlight=False)
        console.print("Nothing was recorded.")
        return 1
    write_shipped(exercises)
    write_manifest(ROOT, exercises)
    console.print(
        f"Recorded the starter files of {len(exercises)} exercises in grader/shipped.json "
        "and the digests of the protected files in grader/manifest.json"
    )
    if changed:
        graded = ", ".join(f"{e.number:02d}" for e in changed)
        console.print(
            f"[dim]Graded as they are (changed since the last record), none passes: {graded}[/]"
        )
    return 0


def cmd_template(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    """The learner's repository: the course without its answers (see grader/template.py)."""
    try:
        export = export_template(ROOT, Path(args.directory))
    except TemplateError as error:
        Console(stderr=True, soft_wrap=True).print(f"[red]{escape(str(error))}[/]")
        return USAGE_ERROR
    for line in export.summary():
        console.print(escape(line), highlight=False)
    return 1 if export.problems else 0


def cmd_gradescope_zip(
    console: Console, args: argparse.Namespace, exercises: list[Exercise]
) -> int:
    """The Gradescope autograder zip (see grader/gradescope.py)."""
    try:
        count = build_zip(ROOT, Path(args.file))
    except TemplateError as error:
        Console(stderr=True, soft_wrap=True).print(f"[red]{escape(str(error))}[/]")
        return USAGE_ERROR
    console.print(
        f"Wrote {escape(args.file)} ({count} files). Upload it as the assignment's autograder "
        "on Gradescope, with the Ubuntu 24.04 base image (docs/teaching.md)."
    )
    return 0


def cmd_gradebook(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    """Grade a class (or one shard of it), or merge shards; write gradebook.json, .csv, .html."""
    out = Path(args.out)
    if args.sources[0] == "merge":
        graded, grades = read_gradebooks([Path(source) for source in args.sources[1:]])
    else:
        learners = find_learners(args.sources)
        if args.shard:
            learners = shard(learners, args.shard)
        graded, grades = listed(exercises), grade_with_progress(learners, args.jobs)
    written = [
        write_gradebook(out, graded, grades, args.shard or ""),
        *write_report(out, graded, grades),
    ]
    ungraded = [grade.name for grade in grades if grade.problem]
    console.print(f"{len(grades)} learners: {', '.join(str(path) for path in written)}")
    if ungraded:
        console.print(f"[red]Not graded:[/] {escape(', '.join(ungraded))} (see the report)")
    return 1 if ungraded else 0


def grade_with_progress(learners: list[Learner], jobs: int) -> list[LearnerGrade]:
    """`grade_class`, with a progress bar on a terminal, a line per learner elsewhere."""
    status = Console(stderr=True, soft_wrap=True)
    if not status.is_terminal:
        done = iter(range(1, len(learners) + 1))

        def said(grade: LearnerGrade) -> None:
            outcome = grade.problem or f"{grade.score}/{grade.max_score}"
            status.print(f"[{next(done)}/{len(learners)}] {escape(grade.name)}: {escape(outcome)}")

        return grade_class(learners, jobs, said)
    with Progress(console=status, transient=True) as progress:
        task = progress.add_task("Grading the class", total=len(learners))
        return grade_class(learners, jobs, lambda grade: progress.advance(task))


def cmd_live(console: Console, args: argparse.Namespace, exercises: list[Exercise]) -> int:
    """Both versions of the exercise's view under uvicorn, side by side (see grader/live.py)."""
    exercise = find_exercise(args.exercise, exercises)
    if args.visitors is not None and not 1 <= args.visitors <= MAX_VISITORS:
        raise UnknownExercise(f"--visitors takes 1 to {MAX_VISITORS}, not {args.visitors}")
    try:
        plan = live_plan(exercise)
    except LiveError as error:
        Console(stderr=True, soft_wrap=True).print(f"[red]{escape(str(error))}[/]")
        return 1
    if isinstance(plan, str):
        unwritten = f" (nothing written to {args.html})" if args.html else ""
        console.print(f"{exercise.id} has no live run: {escape(plan)}.{escape(unwritten)}")
        return 0
    if args.html:  # a path that cannot be written is refused before the run, not after
        Path(args.html).write_text("", encoding="utf-8")
    with Console(stderr=True, soft_wrap=True).status("starting") as shown:
        report = run_live(ROOT, exercise, args.visitors, lambda step: shown.update(step))
    page = timeline.page(report)
    State(ROOT).keep_live_page(exercise, page)  # for the progress page, /progress/<id>/
    if args.html:
        Path(args.html).write_text(page, encoding="utf-8")
    if args.json:
        console.print_json(data=live_json(report))
    else:
        timeline.terminal(console, report)
        if args.html:
            console.print(f"The timeline is in {escape(args.html)} too.")
    return 1 if any(run.failed for run in report.runs) else 0


# Maintainers' verbs record and check the whole course; the others grade the assignment.
WHOLE_COURSE = {"manifest", "verify", "template"}

COMMANDS = {
    "progress": cmd_progress,
    "list": cmd_list,
    "run": cmd_run,
    "hint": cmd_hint,
    "solution": cmd_solution,
    "reset": cmd_reset,
    "watch": cmd_watch,
    "verify": cmd_verify,
    "manifest": cmd_manifest,
    "template": cmd_template,
    "gradebook": cmd_gradebook,
    "gradescope-zip": cmd_gradescope_zip,
    "live": cmd_live,
}
