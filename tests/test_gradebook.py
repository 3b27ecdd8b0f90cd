"""The teacher's gradebook: every learner sealed-graded, honest ones scored right, the others
flagged, and a report no learner's text can break (issue 17).

The end-to-end test generates a class from the template of a course cut down
to exercise 02 (one learner solved it, one did not, one changed its tests,
one forged the results, one repository cannot be cloned, one comes by git
URL), grades it in two shards and merges them, as a CI matrix would.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from course.catalog import ROOT
from grader.classreport import common_reasons, gradebook_csv, gradebook_html, lesson_reason
from grader.gradebook import (
    GradebookError,
    Learner,
    LearnerGrade,
    find_learners,
    grade_learner,
    shard,
)
from grader.workspace import copy_course
from tests.conftest import Course
from tests.test_sealed import FORGE

pytestmark = pytest.mark.timeout(300)

EX02 = "ex02_missing_await"
VIEWS = f"exercises/{EX02}/views.py"
TESTS = f"exercises/{EX02}/test_missing_await.py"
EXERCISES = [{"id": "missing_await", "number": 2, "points": 10}]
HOSTILE = '<script>alert("x")</script> & </td>'


def repository(folder: Path) -> Path:
    (folder / "exercises").mkdir(parents=True)
    return folder


# Finding and sharding the learners


def test_learners_come_from_folders_lists_and_urls_sorted_and_named_once(tmp_path):
    for name in ("ben", "ana"):
        repository(tmp_path / "class" / name)
    (tmp_path / "class" / "notes").mkdir()  # no exercises/: not a learner
    single = repository(tmp_path / "elsewhere" / "ana")
    listing = tmp_path / "class.txt"
    listing.write_text(
        f"# the late ones\n{single}\nhttps://git.example/school/cy.git\n\n"
        "git@git.example:school/dee.git  # by ssh\n",
        encoding="utf-8",
    )

    learners = find_learners([str(tmp_path / "class"), str(listing)])

    assert [learner.name for learner in learners] == ["ana", "ana-2", "ben", "cy", "dee"]
    assert learners[3].source == "https://git.example/school/cy.git"
    [odd] = find_learners(["https://git.example/school/.."])
    assert odd.name == "learner"  # a folder of its own when cloned, never the one above


def test_a_list_reads_its_paths_from_its_own_folder_and_keeps_a_row_for_a_missing_one(
    tmp_path, monkeypatch
):
    repository(tmp_path / "class" / "ana")
    listing = tmp_path / "class" / "class.txt"
    listing.write_text("ana\ngone  # left the course\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not the list's folder

    ana, gone = find_learners([str(listing)])

    assert (ana.name, ana.source) == ("ana", str((tmp_path / "class" / "ana").resolve()))
    assert gone.name == "gone"
    grade = grade_learner(gone, tmp_path, timeout=1)
    assert "no learner's repository there" in grade.problem
    assert grade.flags == [f"not graded: {grade.problem}"]


def test_forks_that_keep_the_templates_name_are_named_by_their_owner():
    learners = find_learners(
        [
            "https://git.example/alice/awaitlings.git",
            "git@git.example:bob/awaitlings.git",
            "https://git.example/cy/cy-work.git",
        ]
    )

    assert [learner.name for learner in learners] == [
        "alice-awaitlings",
        "bob-awaitlings",
        "cy-work",
    ]


def test_a_source_that_is_no_learner_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    for source in (tmp_path / "empty", tmp_path / "missing"):
        with pytest.raises(GradebookError):
            find_learners([str(source)])


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shards_share_the_learners_out_once_each(count):
    learners = [Learner(f"learner{n:02d}", f"/class/{n}") for n in range(10)]

    shards = [shard(learners, f"{k}/{count}") for k in range(1, count + 1)]

    assert sorted((learner for part in shards for learner in part), key=str) == learners


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_a_shard_must_read_k_of_n(spec):
    with pytest.raises(GradebookError):
        shard([], spec)


# The report, with a learner's text at its worst


FAILED = {"id": "missing_await", "status": "failed", "message": "", "outside": "", "flags": []}


def hostile_grade() -> LearnerGrade:
    exercise = {**FAILED, "message": HOSTILE, "flags": [HOSTILE]}
    return LearnerGrade("=HYPERLINK(1)", "-x", exercises=[exercise])


def test_the_csv_shows_a_learners_text_as_text():
    rows = list(csv.reader(io.StringIO(gradebook_csv(EXERCISES, [hostile_grade()]))))

    assert rows[0] == ["learner", "source", "score", "max_score", "missing_await", "flags"]
    assert rows[1][:2] == ["'=HYPERLINK(1)", "'-x"]  # never a formula
    assert rows[1][4] == "failed"


def test_the_html_report_runs_no_markup_of_a_learners(tmp_path):
    page = gradebook_html(EXERCISES, [hostile_grade()], "class")

    document = etree.fromstring(page, etree.HTMLParser())
    assert document.findall(".//script") == []
    texts = "".join(document.itertext())
    assert HOSTILE in texts and "=HYPERLINK(1)" in texts
    assert "1 learner," in texts


def test_a_reason_counts_once_wherever_the_learners_line_is():
    first = "blocked the loop with time.sleep() at exercises/ex03_x/views.py:18 — use …"
    second = "blocked the loop with time.sleep() at exercises/ex03_x/views.py:9 — use …"

    assert lesson_reason(first) == lesson_reason(second)
    assert "views.py" in lesson_reason(first)


def test_reasons_that_differ_only_in_numbers_count_as_one():
    said = [
        "5 requests to /dashboard/ made at most 4 calls in flight",
        "5 requests to /dashboard/ made at most 1 calls in flight",
        "5 requests to /dashboard/ made at most 4 calls in flight",
        "the view never awaited fetch()",
    ]
    grades = [
        LearnerGrade(f"l{n}", "", exercises=[{**FAILED, "message": message}])
        for n, message in enumerate(said)
    ]

    assert "4 learners," in gradebook_html(EXERCISES, grades, "c")
    assert common_reasons(EXERCISES, grades) == [
        (
            "missing_await",
            [
                ("5 requests to /dashboard/ made at most … calls in flight", 3),
                ("the view never awaited fetch()", 1),
            ],
        )
    ]


@pytest.mark.parametrize(
    "source",
    # Port 1 on loopback refuses at once: no network, and git names the URL it failed on.
    ["http://ana:ghp_SECRET@127.0.0.1:1/school/ana.git", "https://x-token:SECRET@127.0.0.1:1/ana"],
)
def test_a_clone_urls_credentials_reach_no_report(source):
    [learner] = find_learners([source])
    grade = grade_learner(learner, Path("/nonexistent"), timeout=1)

    assert grade.problem.startswith("git clone failed")
    reported = gradebook_csv(EXERCISES, [grade]) + gradebook_html(EXERCISES, [grade], "c")
    assert "SECRET" not in reported
    assert "127.0.0.1:1/" in reported
    [row] = list(csv.reader(io.StringIO(gradebook_csv(EXERCISES, [grade]))))[1:]
    assert row[3] == "10"  # the assignment's points, though nothing was graded


# The whole class, graded in two shards and merged


def git_repository(folder: Path) -> str:
    """`folder` committed as a git repository, by its file:// URL (no network)."""
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "work"],
    ):
        subprocess.run(["git", *command], cwd=folder, check=True, capture_output=True)
    return folder.as_uri()


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, dict, Path, list]:
    scratch = tmp_path_factory.mktemp("class")
    course = Course(copy_course(ROOT, scratch / "course")).keep(EX02)
    template = scratch / "template"
    assert course.grader("template", str(template)).returncode == 0
    shipped = (template / VIEWS).read_text(encoding="utf-8")
    solved = (course.path / "solutions" / EX02 / "views.py").read_text(encoding="utf-8")
    learners = {
        "solved": {VIEWS: solved},
        "shipped": {},
        "tampered": {TESTS: "def test_nothing():\n    pass\n", "conftest.py": ""},
        "forged": {VIEWS: shipped + FORGE},
    }
    for name, changes in learners.items():
        shutil.copytree(template, scratch / "class" / name)
        for relative, text in changes.items():
            (scratch / "class" / name / relative).write_text(text, encoding="utf-8")
    remote = scratch / "remote" / "by-url"
    shutil.copytree(scratch / "class" / "solved", remote)
    listing = scratch / "more.txt"
    listing.write_text(f"{git_repository(remote)}\n{(scratch / 'gone').as_uri()}\n")
    sources = [str(scratch / "class"), str(listing)]

    shards = [
        course.grader("gradebook", *sources, "--shard", f"{k}/2", "--out", f"../shard{k}")
        for k in (1, 2)
    ]
    merged = course.grader("gradebook", "merge", "../shard1", "../shard2", "--out", "../all")

    assert (scratch / "all/gradebook.csv").is_file(), merged.stdout + merged.stderr
    with open(scratch / "all/gradebook.csv", encoding="utf-8") as table:
        rows = {row["learner"]: row for row in csv.DictReader(table)}
    return course, rows, scratch / "all", [*shards, merged]


def test_the_gradebook_scores_honest_learners_right_and_flags_the_others(graded_class):
    _, rows, _, _ = graded_class

    scores = {name: (row["score"], row["missing_await"]) for name, row in rows.items()}
    assert scores == {
        "by-url": ("10", "passed"),
        "forged": ("0", "failed"),
        "gone": ("0", "not graded"),
        "shipped": ("0", "failed"),
        "solved": ("10", "passed"),
        "tampered": ("0", "failed"),
    }
    flagged = {name for name, row in rows.items() if row["flags"]}
    assert flagged == {"forged", "gone", "tampered"}, {n: r["flags"] for n, r in rows.items()}
    assert "grader" in rows["forged"]["flags"]
    assert TESTS in rows["tampered"]["flags"] and "conftest.py" in rows["tampered"]["flags"]
    assert rows["gone"]["flags"].startswith("not graded: git clone failed")


def test_a_learner_who_could_not_be_graded_fails_the_run_that_holds_them(graded_class):
    _, _, _, (first, second, merged) = graded_class

    assert sorted([first.returncode, second.returncode]) == [0, 1]  # "gone" is in one shard
    assert (merged.returncode, "Not graded: gone" in merged.stdout) == (1, True), merged.stdout


def test_the_merged_report_lists_every_learner_and_what_the_class_gets_wrong(graded_class):
    _, _, folder, _ = graded_class

    page = (folder / "gradebook.html").read_text(encoding="utf-8")

    document = etree.fromstring(page, etree.HTMLParser())
    learners = [link.text for link in document.findall(".//table//a")]
    assert learners == ["by-url", "forged", "gone", "shipped", "solved", "tampered"]
    wrong = document.xpath("//h2[.='What the class gets wrong']/following-sibling::ul[1]/li")
    assert wrong and "coroutine" in "".join(wrong[0].itertext())
