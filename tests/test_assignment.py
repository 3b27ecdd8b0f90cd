"""The teacher's `awaitlings.toml` picks the exercises and their points, and every verb that
grades honours it (issue 17): the terminal, --json, Gradescope, the gradebook's list."""

from __future__ import annotations

import json

import pytest

from course.catalog import ROOT, CatalogError, load_assignment, load_exercises
from grader.gradebook import LearnerGrade
from grader.workspace import copy_course
from tests.conftest import Course, by_id

pytestmark = pytest.mark.timeout(120)

EXERCISES = load_exercises(ROOT)


@pytest.fixture
def course(tmp_path) -> Course:
    return Course(copy_course(ROOT, tmp_path / "course"))


def assign(course: Course, text: str) -> list:
    (course.path / "awaitlings.toml").write_text(text, encoding="utf-8")
    return load_assignment(course.path)


def test_the_shipped_assignment_is_the_whole_course():
    assert load_assignment(ROOT) == EXERCISES


def test_chapters_exercises_and_points_pick_the_assignment(course):
    by_chapter = assign(course, "[assignment]\nchapters = [1]\n")
    assert [e.id for e in by_chapter] == [e.id for e in EXERCISES if e.chapter == 1]

    named = assign(course, '[assignment]\nexercises = ["missing_await", 7]\n[points]\n'
                   "missing_await = 25\n")  # fmt: skip
    assert [(e.number, e.points) for e in named] == [(2, 25), (7, EXERCISES[6].points)]

    both = assign(course, '[assignment]\nchapters = [2]\nexercises = ["missing_await", 7]\n')
    assert [e.number for e in both] == [7]


@pytest.mark.parametrize(
    "text",
    [
        '[assignment]\nexercises = ["no_such_exercise"]\n',
        "[points]\nno_such_exercise = 5\n",
        "[points]\nmissing_await = 0\n",
        '[points]\nmissing_await = "ten"\n',
        "[assignment]\nchapters = [99]\n",
        '[assignment]\nexercises = "missing_await"\n',
        "[assignment\n",
    ],
)
def test_an_assignment_that_picks_nothing_sound_is_refused(course, text):
    with pytest.raises(CatalogError):
        assign(course, text)


def test_every_output_grades_the_assignment_with_its_points(course):
    course.keep("ex01_first_async_view", "ex02_missing_await")
    assign(course, '[assignment]\nexercises = ["missing_await"]\n[points]\nmissing_await = 25\n')
    assert course.grader("manifest").returncode == 0  # the teacher records the change

    code, document = course.grade_json("--gradescope", "results.json")

    assert list(by_id(document)) == ["missing_await"]
    assert (document["max_score"], by_id(document)["missing_await"]["points"]) == (25, 25)
    gradescope = json.loads((course.path / "results.json").read_text(encoding="utf-8"))
    assert [(t["max_score"], t["status"]) for t in gradescope["tests"]] == [(25, "failed")]
    assert code == 1


def test_a_learner_who_changes_the_assignment_has_tampered(course):
    course.keep("ex02_missing_await")
    course.solve("ex02_missing_await")
    (course.path / "awaitlings.toml").write_text("[points]\nmissing_await = 1000\n")

    _, document = course.grade_json()

    assert by_id(document)["missing_await"]["status"] == "tampered"
    assert document["score"] == 0


def test_the_gradebook_flags_a_submission_that_changed_the_assignment():
    grade = LearnerGrade("ana", "/class/ana", ignored=["awaitlings.toml", "notes.md"])

    assert grade.flags == ["changed protected files (ignored): awaitlings.toml"]
