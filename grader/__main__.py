"""Entry point for `python grader` and `python -m grader`.

Before anything else, with the standard library only:

- `--pristine REF` hands the whole run to the course as committed at REF:
  `git archive` writes it into a folder of its own, and the grader is run
  again from there (`python -I -B`: nothing of this working tree on its path,
  no `PYTHON*` variables), with this working tree as the submission. Nothing
  of the working tree but this file runs: a `tomllib.py` or a `.pyc` the
  learner added is never imported (docs/grading.md says what remains).
- a learner who runs the grader with a Python that lacks the course's packages
  (the virtualenv not activated) is told how to run it, instead of reading a
  ModuleNotFoundError.
"""

import sys

if not __package__:  # `python grader`: Python put grader/ itself first on sys.path (not with -I)
    del sys.path[: 0 if sys.flags.safe_path else 1]
# From here on, imports find the standard library and site-packages, nothing of the tree.
import importlib.util
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ("rich", "django", "pytest", "watchfiles")
USAGE_ERROR = 2


def how_to_run_it(missing: list[str]) -> str:
    venv_python = ROOT / ".venv" / "bin" / "python"
    lines = [
        f"awaitlings: this Python ({sys.executable}) does not have the course's packages "
        f"(missing: {', '.join(missing)}).",
    ]
    if venv_python.exists():
        lines += [
            "The course's virtualenv is .venv: activate it, then run the grader again:",
            "    . .venv/bin/activate",
            "    python grader",
            "or run it with the virtualenv's Python:",
            "    .venv/bin/python grader",
        ]
    else:
        lines += [
            "Create the course's virtualenv first (the README's Quick start), from this folder:",
            "    python3 -m venv .venv && .venv/bin/python -m pip install -e . && "
            ".venv/bin/python grader",
        ]
    return "\n".join(lines) + "\n"


def split_pristine(argv: list[str]) -> tuple[str | None, list[str]]:
    """(the ref of `--pristine REF` or `--pristine=REF`, the other arguments)."""
    for index, argument in enumerate(argv):
        if argument == "--pristine":
            ref = argv[index + 1] if index + 1 < len(argv) else ""
            return ref, argv[:index] + argv[index + 2 :]
        if argument.startswith("--pristine="):
            return argument.partition("=")[2], argv[:index] + argv[index + 1 :]
    return None, argv


def usage_error(message: str) -> NoReturn:
    sys.stderr.write(f"{message}\n")
    sys.exit(USAGE_ERROR)


def commit_of(ref: str) -> str:
    """The commit `ref` names in this working tree's repository; a usage error if none."""
    if not ref.strip() or ref.startswith("-"):
        usage_error(f"--pristine needs a git ref (a commit, a tag or a branch), not {ref!r}")
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        usage_error(f"--pristine {ref!r}: no such commit in the git repository at {ROOT}")
    return done.stdout.strip()


def write_commit(commit: str, destination: Path) -> None:
    """The course as committed at `commit`, from git's objects (never the working tree)."""
    archive = subprocess.Popen(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, stdout=subprocess.PIPE
    )
    with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
        tar.extractall(destination, filter="data")  # no links out, no devices, no absolute paths
    if archive.wait() != 0 or not (destination / "grader" / "__main__.py").is_file():
        usage_error(f"--pristine: commit {commit[:12]} holds no course (no grader/__main__.py)")


def movable(ref: str) -> bool:
    """True when `ref` names a branch or HEAD: a learner who pushes moves it."""
    done = subprocess.run(
        ["git", "rev-parse", "--symbolic-full-name", "--end-of-options", ref],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip().startswith(("refs/heads/", "refs/remotes/", "HEAD"))


def run_pristine(ref: str, others: list[str]) -> int:
    if any(argument.split("=")[0] == "--submission" for argument in others):
        usage_error("--pristine grades this working tree: leave out --submission")
    commit = commit_of(ref)
    if movable(ref):
        sys.stderr.write(
            f"awaitlings: --pristine {ref} names a branch, which a learner who pushes can move: "
            f"for a grade, name the template's commit ({commit[:12]} here) or a tag\n"
        )
    with tempfile.TemporaryDirectory(prefix="awaitlings-trusted-") as scratch:
        trusted = Path(scratch) / "course"
        write_commit(commit, trusted)
        command = [sys.executable, "-I", "-B", str(trusted / "grader"), "--submission", str(ROOT)]
        return subprocess.run([*command, *others], check=False).returncode


if __name__ == "__main__":
    ref, others = split_pristine(sys.argv[1:])
    if ref is not None:
        sys.exit(run_pristine(ref, others))
    sys.path.insert(0, str(ROOT))
    if missing := [name for name in NEEDED if importlib.util.find_spec(name) is None]:
        sys.stderr.write(how_to_run_it(missing))
        sys.exit(USAGE_ERROR)

    from grader.cli import main  # (only once the packages are known to be there)

    sys.exit(main())
