"""The learner's verbs: run, hint, list, reset, watch, and how exercises are named."""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from course.catalog import ROOT, load_exercises
from grader.state import State

pytestmark = pytest.mark.timeout(300)
EXERCISES = load_exercises()


def test_hints_come_one_more_each_time_and_all_shows_those_seen(course):
    hints = EXERCISES[2].hints

    first = course.grader("hint", "3")
    second = course.grader("hint", "blocking_sleep")
    every = course.grader("hint", "ex03", "--all")

    assert first.returncode == second.returncode == every.returncode == 0
    assert hints[0] in first.stdout and hints[1] not in first.stdout
    assert hints[1] in second.stdout and hints[0] not in second.stdout
    assert hints[0] in every.stdout and hints[1] in every.stdout and hints[2] not in every.stdout
    assert (course.path / ".awaitlings" / "state.json").is_file()


def test_asking_past_the_last_hint_shows_the_last_again(tmp_path):
    exercise = EXERCISES[2]
    state = State(tmp_path)

    counts = [state.reveal_hint(exercise) for _ in range(len(exercise.hints) + 2)]

    assert counts == [*range(1, len(exercise.hints) + 1), len(exercise.hints), len(exercise.hints)]
    assert State(tmp_path).hints_seen(exercise) == len(exercise.hints)


def test_all_hints_before_any_was_asked_shows_none_and_counts_none(course):
    done = course.grader("hint", "3", "--all")

    assert done.returncode == 0
    assert "No hints seen yet for blocking_sleep" in done.stdout
    assert EXERCISES[2].hints[0] not in done.stdout
    assert not (course.path / ".awaitlings" / "state.json").exists()


def test_the_learners_state_and_build_droppings_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".awaitlings/" in ignored
    assert "*.egg-info/" in ignored


@pytest.mark.parametrize("name", ["3", "03", "blocking_sleep", "blocking", "ex03_blocking_sleep"])
def test_exercises_are_found_by_number_id_or_prefix(name):
    from grader.discover import find_exercise

    assert find_exercise(name, EXERCISES).id == "blocking_sleep"


def test_a_wrong_name_suggests_close_matches(course):
    done = course.grader("hint", "asnyc_http")
    assert done.returncode == 2
    assert "Did you mean: async_http_client" in " ".join(done.stderr.split())


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("blok", "blocking_sleep"),  # a typo of a prefix
        ("blocking_slep", "blocking_sleep"),
        ("asnc_orm", "async_orm"),
        ("frist", "first_async_view"),
    ],
)
def test_a_typo_of_an_id_or_of_its_start_suggests_the_exercise(typo, meant):
    from grader.discover import UnknownExercise, find_exercise

    with pytest.raises(UnknownExercise) as raised:
        find_exercise(typo, EXERCISES)

    suggested = str(raised.value).partition("Did you mean: ")[2].partition("?")[0].split(", ")
    assert meant in suggested, str(raised.value)


@pytest.mark.parametrize("name", ["bk", "zzzz", "xyz"])
def test_a_name_like_no_exercise_suggests_none(name):
    from grader.discover import UnknownExercise, find_exercise

    with pytest.raises(UnknownExercise) as raised:
        find_exercise(name, EXERCISES)

    assert "Did you mean" not in str(raised.value)
    assert "`python grader list` shows them all" in str(raised.value)


def test_an_ambiguous_prefix_lists_the_candidates(course):
    done = course.grader("hint", "ex0")
    assert done.returncode == 2
    assert "could be any of: first_async_view" in " ".join(done.stderr.split())


def test_the_solution_waits_until_the_exercise_passes_then_shows_beside_yours(course):
    course.keep("ex01_first_async_view")
    reference = (ROOT / "solutions/ex01_first_async_view/views.py").read_text()

    refused = course.grader("solution", "1")
    forced = course.grader("solution", "first", "--force")
    course.write("exercises/ex01_first_async_view/views.py", reference + "# mine\n")
    shown = course.grader("solution", "first_async_view")
    progress = course.grader()

    assert refused.returncode == 1, refused.stderr
    said = " ".join(refused.stdout.split())
    assert "01 first_async_view does not pass yet (failed)" in said
    assert "`python grader hint 1`" in said
    assert "`python grader solution 1 --force`" in said
    assert "+++ reference" not in refused.stdout
    assert forced.returncode == 0, forced.stderr
    assert "--- yours: exercises/ex01_first_async_view/views.py" in forced.stdout
    assert "+++ reference: solutions/ex01_first_async_view/views.py" in forced.stdout
    assert "+    return" in forced.stdout or "+async def" in forced.stdout
    assert shown.returncode == 0, shown.stderr
    changed = [line for line in shown.stdout.splitlines() if line.startswith(("+", "-"))]
    assert changed[2:] == ["-# mine"]  # after the two lines naming the files
    assert "Both pass the tests" in shown.stdout and "Both pass" not in forced.stdout
    assert progress.returncode == 0
    assert progress.stdout.count("python grader solution") == 1
    assert "Solved 01 first_async_view: `python grader solution 1`" in progress.stdout


def test_a_copy_without_solutions_has_no_solution_to_show_nor_mentions_one(course):
    course.keep("ex01_first_async_view").solve()
    shutil.rmtree(course.path / "solutions")

    asked = course.grader("solution", "1")
    forced = course.grader("solution", "1", "--force")
    progress = course.grader()

    for done in (asked, forced):
        assert done.returncode == 1 and done.stderr == ""
        said = " ".join(done.stdout.split())
        assert "There is no reference solution of first_async_view to show" in said
        assert "has no solutions/ folder" in said
    assert progress.returncode == 0
    assert "python grader solution" not in progress.stdout


def test_reset_backs_up_the_learners_file_then_restores_the_shipped_one(course):
    views = course.path / "exercises/ex02_missing_await/views.py"
    shipped = views.read_text()
    views.write_text("# my attempt\n")

    done = course.grader("reset", "2", "--yes")

    assert done.returncode == 0
    assert views.read_text() == shipped
    backups = list((course.path / ".awaitlings/backups/ex02_missing_await").glob("*/views.py"))
    assert [backup.read_text() for backup in backups] == ["# my attempt\n"]
    assert str(backups[0].parent.relative_to(course.path)) in done.stdout


def test_reset_of_unchanged_files_says_so_and_backs_up_nothing(course):
    done = course.grader("reset", "2", "--yes")

    assert done.returncode == 0
    assert "Nothing to reset: views.py of missing_await is as shipped." in done.stdout
    assert not (course.path / ".awaitlings/backups").exists()


def test_reset_asks_first_and_changes_nothing_without_an_answer(course):
    views = course.path / "exercises/ex02_missing_await/views.py"
    views.write_text("# my attempt\n")

    done = course.grader("reset", "2")  # stdin is not a terminal: no way to confirm

    assert done.returncode == 2
    assert views.read_text() == "# my attempt\n"
    assert not (course.path / ".awaitlings/backups").exists()


def test_run_shows_a_header_then_pytests_full_output(course):
    done = course.grader("run", "1")

    assert done.returncode == 1
    assert "01 · Your first async view" in done.stdout
    assert "exercises/ex01_first_async_view/README.md" in done.stdout
    assert "FAILED exercises/ex01_first_async_view/" in done.stdout


def test_list_shows_every_exercise_with_its_state(course):
    course.keep("ex01_first_async_view", "ex02_missing_await", "ex08_upstream_timeout")
    done = course.solve("ex01_first_async_view").grader("list")

    assert done.returncode == 1
    lines = done.stdout.splitlines()
    for exercise in course.exercises():
        [line] = [line for line in lines if f" {exercise.id} " in line]
        expected = "passed" if exercise.id == "first_async_view" else "failed"
        assert expected in line and f"/{exercise.points}" in line and exercise.title in line


@pytest.fixture
def ctrl_c_reaches_children() -> Iterator[None]:
    """A shell ignores Ctrl-C in jobs it starts in the background, and their
    children inherit that; a handler here (reset to the default at exec) lets
    the watch get Ctrl-C as it does in a terminal, however this suite was started."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("ctrl_c_reaches_children")
def test_watch_regrades_on_save_and_moves_to_the_next_exercise(course):
    course.keep("ex01_first_async_view", "ex02_missing_await")
    watcher = subprocess.Popen(
        # -X faulthandler: a watch that does not stop is made to show its stack.
        [sys.executable, "-X", "faulthandler", "grader", "watch", "--poll"],
        cwd=course.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in watcher.stdout], daemon=True
    ).start()

    seen: list[str] = []

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                continue
            if text in seen[-1]:
                return
        pytest.fail(f"the watch never printed {text!r}; it printed:\n{''.join(seen)}")

    try:
        wait_for("01 first_async_view: failed")
        wait_for("Watching exercises/ex01_first_async_view/")
        solution = ROOT / "solutions/ex01_first_async_view/views.py"
        course.write("exercises/ex01_first_async_view/views.py", solution.read_text())  # a save
        wait_for("01 first_async_view: passed")
        wait_for("Solved 01 first_async_view: `python grader solution 1` shows the reference")
        wait_for("02 missing_await: failed")
        watcher.send_signal(signal.SIGINT)
        try:
            assert watcher.wait(timeout=30) == 0
        except subprocess.TimeoutExpired:
            watcher.send_signal(signal.SIGABRT)
            watcher.wait(timeout=10)
            time.sleep(1)
            while not lines.empty():
                seen.append(lines.get())
            pytest.fail("the watch did not stop on Ctrl-C:\n" + "".join(seen))
    finally:
        watcher.kill()


def test_verify_notices_starter_files_that_changed_until_the_manifest_is_redone(course):
    course.keep("ex01_first_async_view")
    views = course.path / "exercises/ex01_first_async_view/views.py"
    views.write_text(views.read_text() + "\n# a maintainer's edit\n")

    stale = course.grader("verify")
    course.grader("manifest")
    fresh = course.grader("verify")

    assert stale.returncode == 1 and "grader/shipped.json does not match" in stale.stdout
    assert fresh.returncode == 0, fresh.stdout


def test_verify_names_a_model_changed_without_its_migration(course):
    course.keep("ex13_async_orm")
    models = course.path / "exercises/ex13_async_orm/models.py"
    models.write_text(models.read_text() + "\n\nclass Shelf(models.Model):\n    pass\n")
    course.grader("manifest")

    done = course.grader("verify")

    assert done.returncode == 1
    said = " ".join(done.stdout.split())
    assert "a model has no migration for its change: Migrations for 'ex13_async_orm'" in said
    assert "Nothing was graded" in said


def test_manifest_refuses_to_record_an_exercise_that_passes_as_it_is(course):
    course.keep("ex01_first_async_view", "ex03_blocking_sleep")
    records = ("grader/manifest.json", "grader/shipped.json")
    recorded = {name: (course.path / name).read_bytes() for name in records}
    course.solve("ex03_blocking_sleep")  # a solution mistaken for the starter

    done = course.grader("manifest")

    assert done.returncode == 1, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert (
        "ex03_blocking_sleep passes as it is now (its views.py is "
        "solutions/ex03_blocking_sleep/views.py, line for line)"
    ) in said
    assert "ex01" not in said
    assert "Nothing was recorded." in said
    assert {name: (course.path / name).read_bytes() for name in records} == recorded


def test_manifest_grades_the_exercises_changed_since_the_last_record(course):
    from grader.verify import changed_since_recorded

    course.keep("ex01_first_async_view", "ex03_blocking_sleep")

    def changed() -> list[str]:
        return [e.folder for e in changed_since_recorded(course.path, course.exercises())]

    assert changed() == []
    tests = course.path / "exercises/ex03_blocking_sleep/test_blocking_sleep.py"
    tests.write_text(tests.read_text() + "\n")
    assert changed() == ["ex03_blocking_sleep"]
    views = course.path / "exercises/ex01_first_async_view/views.py"
    views.write_text(views.read_text() + "\n")
    assert changed() == ["ex01_first_async_view", "ex03_blocking_sleep"]
    course.grader("manifest")
    assert changed() == []
    harness = course.path / "conftest.py"
    harness.write_text(harness.read_text() + "\n")
    assert changed() == ["ex01_first_async_view", "ex03_blocking_sleep"]
