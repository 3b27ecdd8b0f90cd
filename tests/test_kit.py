"""The classroom kit's files do what they say, run here as their platforms would run them.

Each workflow's commands run in a learner's repository (`python grader
template` of a course cut down to exercise 02), in order, with the
environment the platform gives them: GitHub's `GITHUB_OUTPUT`,
`GITHUB_STEP_SUMMARY` and `GITHUB_ACTIONS`; GitLab's script lines. What the
platform's own actions do (checkout, setup-python, upload-artifact) is not
ours to run; the installation step is the README's, run by `.ci/run`. The
workflows themselves pass actionlint in `.ci/run`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml
from lxml import etree

from course.catalog import ROOT
from grader.workspace import copy_course
from tests.conftest import Course
from tests.test_consumers import CONSUMERS, RESULTS_SCHEMA
from tests.test_readme import README

pytestmark = pytest.mark.timeout(240)

EX02 = "ex02_missing_await"
WORKFLOWS = ROOT / ".github" / "workflows"
KIT = (".github", ".gitlab-ci.yml", ".devcontainer", "classroom")


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The teacher's course, cut to exercise 02, with the classroom kit."""
    scratch = tmp_path_factory.mktemp("kit")
    course = Course(copy_course(ROOT, scratch / "course")).keep(EX02)
    copy_course(ROOT, course.path, KIT)  # not among the parts a test run needs: laid here
    return course


@pytest.fixture(scope="module")
def learner(course: Course) -> Path:
    """A learner's repository as `python grader template` exports it."""
    done = course.grader("template", str(course.path.parent / "learner"))
    assert done.returncode == 0, done.stdout + done.stderr
    return course.path.parent / "learner"


def python_on_path(folder: Path) -> dict[str, str]:
    """An environment whose `python` is this interpreter, which has the course installed."""
    bin_folder = folder / "bin"
    bin_folder.mkdir(parents=True, exist_ok=True)
    for name in ("python", "python3"):  # a script, not a link: a virtualenv's stays one
        wrapper = bin_folder / name
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
    return {"PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}", "HOME": str(folder)}


def run_step(script: str, cwd: Path, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """A `run:` block as GitHub runs it on Linux: `bash -e {0}`."""
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=environment, capture_output=True, text=True,
        timeout=200,
    )  # fmt: skip


def github_outputs(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return dict(line.split("=", 1) for line in lines)


# GitHub: the learner's feedback workflow


def feedback_steps() -> list[dict]:
    return load_yaml(WORKFLOWS / "feedback.yml")["jobs"]["grade"]["steps"]


def test_the_feedback_workflow_grades_and_publishes_every_output(learner, tmp_path):
    grade = next(step for step in feedback_steps() if step.get("id") == "awaitlings")
    environment = python_on_path(tmp_path) | {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }

    done = run_step(grade["run"], learner, environment)

    assert done.returncode == 1, done.stdout + done.stderr  # exercise 02 fails as shipped
    outputs = github_outputs(tmp_path / "output")
    assert outputs["graded"] == "true" and outputs["result"]
    assert f"::error file=exercises/{EX02}/views.py,line=" in done.stdout
    assert "| exercise | status | points | why |" in (tmp_path / "summary.md").read_text()
    document = json.loads((learner / "awaitlings.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, RESULTS_SCHEMA)
    etree.parse(str(learner / "awaitlings-junit.xml"))
    uploaded = next(s for s in feedback_steps() if "upload-artifact" in s.get("uses", ""))
    assert set(uploaded["with"]["path"].split()) == {"awaitlings.json", "awaitlings-junit.xml"}

    reporter = next(s for s in feedback_steps() if "grading-reporter" in s.get("uses", ""))
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the reporter step is a node program")
    variable = next(iter(reporter["env"]))  # AWAITLINGS_RESULTS: the grade step's output
    assert reporter["env"][variable] == "${{ steps.awaitlings.outputs.result }}"
    assert variable == f"{reporter['with']['runners'].upper()}_RESULTS"
    reported = subprocess.run(
        [node, str(CONSUMERS / "autograding-grading-reporter/main.js")],
        env={"PATH": os.environ["PATH"], "INPUT_RUNNERS": reporter["with"]["runners"],
             variable: outputs["result"]},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "Points 0/10" in reported.stdout, reported.stdout + reported.stderr


def test_in_the_teachers_copy_the_feedback_workflow_grades_nothing(tmp_path):
    grade = next(step for step in feedback_steps() if step.get("id") == "awaitlings")
    (tmp_path / "solutions").mkdir()
    environment = python_on_path(tmp_path) | {"GITHUB_OUTPUT": str(tmp_path / "output")}

    done = run_step(grade["run"], tmp_path, environment)

    assert done.returncode == 0 and "nothing to grade" in done.stdout
    assert "graded" not in github_outputs(tmp_path / "output")


def test_the_feedback_workflow_says_it_is_feedback_not_the_grade():
    text = (WORKFLOWS / "feedback.yml").read_text(encoding="utf-8")
    assert "gradebook" in text and "not your grade" in text


# GitHub: the maintainers' CI


def test_the_maintainers_ci_runs_the_readme_test_command_on_each_line():
    job = load_yaml(WORKFLOWS / "ci.yml")["jobs"]["tests"]
    step = next(step for step in job["steps"] if "README" in step.get("name", ""))
    command = step["run"]
    test_command = command.strip().splitlines()[-1]
    assert step["env"]["AWAITLINGS_BROWSER_REQUIRED"] == "1"  # the page's browser tests run
    assert f"\n{test_command}\n" in README
    assert job["strategy"]["matrix"] == {
        "python": ["3.11", "3.13"],
        "database": ["sqlite", "postgresql"],
    }
    assert "DATABASE_URL=postgresql://awaitlings@127.0.0.1:5432/postgres" in command


def test_a_learners_repository_has_the_feedback_kit_but_not_the_maintainers_ci(learner):
    assert (learner / ".github/workflows/feedback.yml").is_file()
    assert (learner / ".gitlab-ci.yml").is_file()
    assert (learner / ".devcontainer/devcontainer.json").is_file()
    assert not (learner / ".github/workflows/ci.yml").exists()


# GitLab


def test_the_gitlab_job_publishes_a_junit_report_gitlab_reads(learner, tmp_path):
    job = load_yaml(ROOT / ".gitlab-ci.yml")["feedback"]
    environment = python_on_path(tmp_path)

    for line in job["script"]:
        run_step(line, learner, environment)  # its status is the grade's: checked below

    report = learner / job["artifacts"]["reports"]["junit"]
    cases = etree.parse(str(report)).findall(".//testcase")
    assert cases and all(case.get("classname") == "missing_await" for case in cases)
    assert any(case.get("file") == f"exercises/{EX02}/views.py" for case in cases)
    assert job["artifacts"]["when"] == "always"
    assert job["rules"][0] == {"exists": ["solutions/**/*"], "when": "never"}


# Codespaces


def test_the_devcontainer_installs_the_course_and_forwards_the_readmes_ports():
    container = json.loads((ROOT / ".devcontainer/devcontainer.json").read_text())

    assert container["image"].endswith("python:3.13")
    assert container["postCreateCommand"] == "python -m pip install -e ."
    assert "python grader" in container["postAttachCommand"]
    for port in container["forwardPorts"]:
        assert f"127.0.0.1:{port}" in README


# Gradescope


def unpack(archive: Path, folder: Path) -> None:
    """As Gradescope unpacks the autograder into /autograder/source: with each file's mode."""
    with zipfile.ZipFile(archive) as packed:
        for info in packed.infolist():
            packed.extract(info, folder)
            (folder / info.filename).chmod(info.external_attr >> 16 & 0o777)


# Stand-ins for what setup.sh asks of the image: apt-get, and `python3 -m venv DIR`, whose
# DIR/bin/python is this interpreter (it has the course) but for `-m pip`. Each writes down
# how it was called, in $CALLS.
FAKE_APT = '#!/bin/sh\necho "apt-get $*" >> "$CALLS"\n'
FAKE_PYTHON3 = """#!/bin/sh
echo "python3 $*" >> "$CALLS"
mkdir -p "$3/bin"
cp "$(dirname "$0")/venv-python" "$3/bin/python"
"""
FAKE_VENV_PYTHON = """#!/bin/sh
if [ "$1" = -m ] && [ "$2" = pip ]; then
    echo "pip $*" >> "$CALLS"
    exit 0
fi
exec "{python}" "$@"
"""


@pytest.fixture(scope="module")
def autograder(course: Course) -> Path:
    """A fake /autograder: the zip unpacked in source/, then setup.sh run as Gradescope runs
    it, with apt-get and Python's venv and pip stood in for."""
    folder = course.path.parent / "autograder"
    archive = course.path.parent / "autograder.zip"
    done = course.grader("gradescope-zip", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    unpack(archive, folder / "source")
    stand_ins, calls = course.path.parent / "image-bin", course.path.parent / "calls.txt"
    stand_ins.mkdir()
    stood_in = {"apt-get": FAKE_APT, "python3": FAKE_PYTHON3, "venv-python": FAKE_VENV_PYTHON}
    for name, script in stood_in.items():
        (stand_ins / name).write_text(script.replace("{python}", sys.executable))
        (stand_ins / name).chmod(0o755)
    path = f"{stand_ins}{os.pathsep}{os.environ['PATH']}"
    environment = {"PATH": path, "AWAITLINGS_AUTOGRADER": str(folder), "CALLS": str(calls)}

    done = subprocess.run(
        ["bash", str(folder / "source/setup.sh")], env=environment, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert calls.read_text().splitlines() == [
        "apt-get update -q",
        "apt-get install -y -q python3 python3-venv git",
        f"python3 -m venv {folder}/venv",
        f"pip -m pip install -q -e {folder}/source",
    ]
    return folder


def run_autograder(autograder: Path, submission: Path) -> dict:
    if (autograder / "submission").exists():
        shutil.rmtree(autograder / "submission")
    shutil.copytree(submission, autograder / "submission")
    shutil.rmtree(autograder / "results", ignore_errors=True)
    environment = {"PATH": os.environ["PATH"], "AWAITLINGS_AUTOGRADER": str(autograder)}

    done = subprocess.run(
        [str(autograder / "source/run_autograder")], env=environment, capture_output=True,
        text=True, timeout=200,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads((autograder / "results/results.json").read_text(encoding="utf-8"))
    schema = json.loads((CONSUMERS / "gradescope/results.schema.json").read_text())
    jsonschema.validate(document, schema)
    return document


def test_the_gradescope_zip_holds_the_scripts_and_the_course_without_answers(autograder):
    source = autograder / "source"

    assert os.access(source / "run_autograder", os.X_OK) and (source / "setup.sh").is_file()
    assert (source / "grader/manifest.json").is_file()
    assert not (source / "solutions").exists() and not (source / "tests").exists()
    assert not (source / "classroom").exists()


def test_gradescope_scores_a_solved_submission_and_a_zipped_folder_alike(
    course, autograder, tmp_path
):
    solved = tmp_path / "mine"
    shutil.copytree(autograder / "source", solved)  # the learner's repository, as received
    views = f"exercises/{EX02}/views.py"
    shutil.copy2(course.path / "solutions" / EX02 / "views.py", solved / views)
    nested = tmp_path / "upload"
    shutil.copytree(solved, nested / "awaitlings-main")  # a zip of the folder, uploaded

    for submission in (solved, nested):
        document = run_autograder(autograder, submission)
        assert document["score"] == 10, document
        assert [test["status"] for test in document["tests"]] == ["passed"]


def test_gradescope_scores_the_shipped_exercise_zero(autograder):
    document = run_autograder(autograder, autograder / "source")

    assert document["score"] == 0
    assert document["tests"][0]["status"] == "failed"


def test_a_submission_without_the_course_gets_a_result_that_says_why(autograder, tmp_path):
    (tmp_path / "empty").mkdir()

    document = run_autograder(autograder, tmp_path / "empty")

    assert document["score"] == 0
    assert f"exercises/{EX02}/views.py" in document["tests"][0]["output"], document


def test_a_grader_that_cannot_run_still_leaves_a_result(autograder, tmp_path):
    broken = tmp_path / "autograder"
    (broken / "source").mkdir(parents=True)
    shutil.copy2(autograder / "source/run_autograder", broken / "source/run_autograder")
    (broken / "venv/bin").mkdir(parents=True)
    (broken / "venv/bin/python").write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    (broken / "venv/bin/python").chmod(0o755)

    document = run_autograder(broken, autograder / "source")

    assert document["score"] == 0
    assert "could not be graded (the grader exited with status 3)" in document["output"]
