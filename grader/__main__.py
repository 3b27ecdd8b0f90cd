"""Entry point for `python grader` and `python -m grader`.

Before anything else, with the standard library only: a learner who runs the
grader with a Python that lacks the course's packages (the virtualenv not
activated) is told how to run it, instead of reading a ModuleNotFoundError.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ("rich", "django", "pytest", "watchfiles")


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


if not __package__:  # `python grader`: Python put grader/ itself on sys.path
    sys.path[0] = str(ROOT)

if missing := [name for name in NEEDED if importlib.util.find_spec(name) is None]:
    sys.stderr.write(how_to_run_it(missing))
    sys.exit(2)

from grader.cli import main  # noqa: E402 (only once the packages are known to be there)

sys.exit(main())
