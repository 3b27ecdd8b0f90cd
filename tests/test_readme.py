"""The README's commands are the ones that work: CI runs the test command verbatim."""

import re

from course.catalog import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"^TEST_COMMAND='(.+)'$", ci, re.MULTILINE).group(1)
    assert f"\n{command}\n" in README


def test_the_quick_start_installs_and_runs_the_grader():
    assert "\npython3 -m venv .venv && .venv/bin/python -m pip install -e . && " in README
    assert ".venv/bin/python grader\n" in README
