"""Bad input: one plain line on stderr and exit status 2, found before any exercise is graded.

A long run is never wasted on an option, an output path or a course that is
wrong from the start; files the grader keeps for itself (`.awaitlings/`) are
never trusted to make sense; an ASCII terminal and a read-only checkout still
get a grade.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator

import pytest

# Each test runs the grader, which runs pytest: longer than an exercise test.
pytestmark = pytest.mark.timeout(300)

ONE = "ex01_first_async_view"


@pytest.fixture
def one(course, tmp_path):
    """The course cut to exercise 01, whose learner's file leaves a mark when it is graded."""
    course.keep(ONE)
    views = course.path / "exercises" / ONE / "views.py"
    marker = tmp_path / "graded"
    views.write_text(f"open({str(marker)!r}, 'w').close()\n" + views.read_text())
    course.marker = marker
    return course


def run(course, *args: str, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()):
    """`python grader ARGS` in the course, with `env` added to the environment."""
    return subprocess.run(
        [*prefix, sys.executable, "grader", *args],
        cwd=course.path,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )


def assert_refused(done: subprocess.CompletedProcess[str], *named: str) -> str:
    """Exit 2, one line on stderr naming the problem, no traceback, nothing graded."""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(lines) == 1, done.stderr
    for words in named:
        assert words in lines[0]
    assert done.stdout == ""
    return lines[0]


@pytest.mark.parametrize(
    "option, value",
    [
        ("--budget", "-5"),
        ("--budget", "0"),
        ("--budget", "nan"),
        ("--budget", "inf"),
        ("--budget", "abc"),
        ("--budget", "1e-9"),
        ("--test-timeout", "-1"),
        ("--test-timeout", "nan"),
        ("--test-timeout", "abc"),
        ("--test-timeout", "1e300"),  # pytest-timeout's timer cannot hold it
    ],
)
def test_a_time_limit_that_is_no_usable_number_of_seconds_is_refused_before_grading(
    one, option, value
):
    done = run(one, option, value)

    line = assert_refused(done, option, repr(value), "seconds")
    assert line.startswith("python grader: argument")
    assert not one.marker.exists()


def test_a_test_timeout_of_zero_is_still_accepted_and_turns_the_limit_off(one):
    done = run(one, "--test-timeout", "0", "--json")

    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["exercises"][0]["status"] == "failed"


@pytest.mark.parametrize("command", ["list", "watch"])
def test_a_submission_with_a_command_is_refused_rather_than_grading_this_tree(one, command):
    done = run(one, "--submission", str(one.path), command)

    assert_refused(done, "--submission", command)
    assert not one.marker.exists()


def test_an_empty_pristine_ref_is_refused_rather_than_grading_the_learners_own_manifest(one):
    done = run(one, "--pristine", "")

    assert_refused(done, "--pristine", "git")
    assert not one.marker.exists()


@pytest.mark.parametrize(
    "args, env, named",
    [
        (["--junit", "/nonexistent/dir/x.xml"], {}, "--junit '/nonexistent/dir/x.xml'"),
        (["--gradescope", "/sys/x.json"], {}, "--gradescope '/sys/x.json'"),
        (["--gradescope", "."], {}, "is a folder"),
        (["--classroom"], {"GITHUB_OUTPUT": "/nonexistent/dir/output"}, "$GITHUB_OUTPUT"),
        (
            ["--json"],
            {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": "/nonexistent/dir/summary.md"},
            "$GITHUB_STEP_SUMMARY",
        ),
        (
            [],
            {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": "/sys/summary.md"},
            "$GITHUB_STEP_SUMMARY",
        ),
    ],
    ids=[
        "junit-in-a-missing-folder",
        "gradescope-in-sys",
        "gradescope-a-folder",
        "classroom-output-in-a-missing-folder",
        "step-summary-in-a-missing-folder",
        "step-summary-in-sys",
    ],
)
def test_an_output_that_cannot_be_written_is_refused_before_grading(one, args, env, named):
    done = run(one, *args, env=env)

    assert_refused(done, "cannot write", named)
    assert not one.marker.exists()


def test_checking_an_output_leaves_no_file_behind_when_grading_writes_it(one, tmp_path):
    junit = tmp_path / "junit.xml"
    done = run(one, "--junit", str(junit), "--gradescope", "/sys/x.json")

    assert_refused(done, "--gradescope")
    assert not junit.exists()


@pytest.mark.parametrize(
    "old, new, named",
    [
        ("points = 10", 'points = "ten"', "points must be a whole number above 0, not 'ten'"),
        ("points = 10", "points = -3", "points must be a whole number above 0, not -3"),
        ("hints = [", "hints = 5\nunused = [", "hints must be a list of texts, not 5"),
        ('files = ["views.py"]', 'files = "views.py"', "files must be a list of file names"),
        ("chapter = 1", 'chapter = "x"', "chapter must be a whole number above 0, not 'x'"),
        ('title = "Your first async view"', "title = 3", "title must be text, not 3"),
    ],
    ids=["points-ten", "points-negative", "hints-a-number", "files-a-string", "chapter-x", "title"],
)
def test_a_malformed_exercise_toml_is_refused_naming_the_file_and_the_value(one, old, new, named):
    toml = one.path / "exercises" / ONE / "exercise.toml"
    assert old in toml.read_text()
    toml.write_text(toml.read_text().replace(old, new, 1))

    done = run(one)

    assert_refused(done, "The course is malformed", f"{ONE}/exercise.toml", named)
    assert not one.marker.exists()


def test_an_exercise_toml_that_is_not_utf8_is_refused_naming_the_file(one):
    toml = one.path / "exercises" / ONE / "exercise.toml"
    toml.write_bytes(toml.read_bytes().replace(b"Your first", b"Your \xff first"))

    done = run(one, "--json")

    assert_refused(done, f"{ONE}/exercise.toml is not UTF-8")


@pytest.mark.parametrize("args", [[], ["--json"], ["list"]], ids=["progress", "json", "list"])
def test_a_course_without_an_exercises_folder_is_refused(one, args):
    shutil.rmtree(one.path / "exercises")

    done = run(one, *args)

    assert_refused(done, "The course is malformed: no exercises/ folder in")


@pytest.mark.parametrize(
    "kept",
    [b"[1,2,3]", b'{"x": 5}', b"garbage", b"\xff\xfe", b"null", b'{"%s": 5}' % ONE.encode()],
    ids=["a-list", "an-unknown-key", "garbage", "not-utf8", "null", "an-entry-not-an-object"],
)
def test_kept_verdicts_that_make_no_sense_are_ignored_and_the_course_graded_afresh(one, kept):
    (one.path / ".awaitlings").mkdir()
    (one.path / ".awaitlings" / "results.json").write_bytes(kept)

    done = run(one)

    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr
    assert "0/1 exercises done" in " ".join(done.stdout.split())
    assert "unchanged since their last verdict" not in done.stdout
    assert one.marker.exists()
    assert json.loads((one.path / ".awaitlings" / "results.json").read_text())  # kept anew


@pytest.mark.parametrize(
    "state", ["[1]", '{"hints_seen": [1]}', '{"hints_seen": {"first_async_view": "two"}}']
)
def test_hints_seen_that_make_no_sense_count_as_none(one, state):
    (one.path / ".awaitlings").mkdir()
    (one.path / ".awaitlings" / "state.json").write_text(state)

    done = run(one, "hint", "1")

    assert done.returncode == 0, done.stderr
    assert "Hint 1/3 for first_async_view" in done.stdout


def test_a_terminal_that_cannot_show_unicode_gets_the_progress_with_plain_characters(one):
    done = run(one, env={"PYTHONIOENCODING": "ascii"})

    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr
    assert done.stdout.isascii()
    assert "01 first_async_view" in done.stdout
    assert "0/1 exercises done" in " ".join(done.stdout.split())


def test_json_on_a_terminal_that_cannot_show_unicode_is_whole_with_escaped_characters(one):
    done = run(one, "--json", env={"PYTHONIOENCODING": "ascii"})

    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr
    assert done.stdout.isascii()
    message = json.loads(done.stdout)["exercises"][0]["message"]
    assert "plain `def`" in message
    assert " — " in message  # escaped as \u2014, nothing lost


def test_a_usage_error_on_a_terminal_that_cannot_show_unicode_is_still_one_line(one):
    done = run(one, "--budget", "½", env={"PYTHONIOENCODING": "ascii"})

    assert_refused(done, "--budget")


@pytest.fixture
def read_only(one) -> Iterator[tuple[str, ...]]:
    """The course's files made read-only; what to run the grader under so it sees them so.

    Root writes through file modes, so for root the course is mounted read-only
    in a mount namespace of the grader's own (`unshare`); skipped where that is
    not allowed.
    """
    views = one.path / "exercises" / ONE / "views.py"
    views.write_text(views.read_text() + "\n# the learner's work\n")  # so `reset` must write
    paths = [one.path, *one.path.rglob("*")]
    for path in paths:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        mount = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && cd "$0" && exec "$@"'
        prefix = ("unshare", "--mount", "--propagation", "private", "sh", "-c", mount)
        prefix += (str(one.path),)
    probe = subprocess.run(
        [*prefix, "touch", str(one.path / "probe")], capture_output=True, text=True
    )
    try:
        if probe.returncode == 0 or not probe.stderr.startswith("touch:"):
            pytest.skip(f"the course cannot be made read-only for this user: {probe.stderr}")
        yield prefix
    finally:
        for path in paths:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_a_read_only_checkout_is_still_graded(one, read_only):
    done = run(one, prefix=read_only)
    as_json = run(one, "--json", prefix=read_only)

    assert "Traceback" not in done.stderr + as_json.stderr
    assert done.returncode == 1, done.stderr
    assert "0/1 exercises done" in " ".join(done.stdout.split())
    assert "First hint:" in done.stdout  # shown, though it cannot be counted as seen
    assert as_json.returncode == 1, as_json.stderr
    assert json.loads(as_json.stdout)["exercises"][0]["status"] == "failed"


@pytest.mark.parametrize("args", [["hint", "1"], ["reset", "1", "--yes"]], ids=["hint", "reset"])
def test_on_a_read_only_checkout_a_command_that_must_write_says_so_in_one_line(
    one, read_only, args
):
    done = run(one, *args, prefix=read_only)

    assert_refused(done, "Cannot go on:", ".awaitlings", "must be writable")
