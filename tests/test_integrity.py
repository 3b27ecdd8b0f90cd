"""Protected files: edited, deleted or added test machinery scores 0 and says how to restore it."""

from __future__ import annotations

import subprocess

import pytest

from course.catalog import ROOT, load_exercises
from grader.integrity import PYTEST_CONFIG, read_manifest, tampering
from grader.workspace import copy_course
from tests.conftest import Course, by_id

pytestmark = pytest.mark.timeout(300)
EXERCISES = load_exercises()


def test_each_kind_of_tampering_is_named_and_scores_zero(course):
    course.keep(*(e.folder for e in EXERCISES[:5])).solve()
    course.write(
        "exercises/ex02_missing_await/views.py",
        'import pytest\n\npytest.skip("later", allow_module_level=True)\n',
    )
    test_file = "exercises/ex03_blocking_sleep/test_blocking_sleep.py"
    course.write(test_file, "def test_nothing():\n    pass\n")
    course.write("exercises/ex04_async_http_client/conftest.py", "")
    (course.path / "exercises/ex05_sync_view_holds_a_thread/urls.py").unlink()

    code, document = course.grade_json()

    assert code == 1
    exercises = by_id(document)
    expected = {
        "missing_await": "was skipped or marked xfail (later)",
        "blocking_sleep": f"{test_file} was changed (restore it: git checkout -- {test_file})",
        "async_http_client": "exercises/ex04_async_http_client/conftest.py was added (delete it)",
        "sync_view_holds_a_thread": "exercises/ex05_sync_view_holds_a_thread/urls.py was deleted",
    }
    for name, message in expected.items():
        assert exercises[name]["status"] == "tampered", name
        assert exercises[name]["score"] == 0
        assert message in exercises[name]["message"]
    untouched = set(exercises) - set(expected)
    assert {exercises[name]["status"] for name in untouched} == {"passed"}
    assert document["score"] == sum(exercises[name]["points"] for name in untouched)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda course: course.write("conftest.py", "pytest_plugins = []\n"), "conftest.py was"),
        (lambda course: course.write("pytest.ini", "[pytest]\n"), "pytest.ini was added"),
        (lambda course: course.write("exercises/conftest.py", ""), "exercises/conftest.py was"),
    ],
    ids=["root conftest edited", "pytest.ini added", "exercises/conftest.py added"],
)
def test_tampering_with_what_every_exercise_uses_taints_them_all(course, change, named):
    change(course.keep("ex01_first_async_view", "ex02_missing_await").solve())

    code, document = course.grade_json()

    assert code == 1 and document["score"] == 0
    assert {e["status"] for e in document["exercises"]} == {"tampered"}
    assert all(named in e["message"] for e in document["exercises"])


@pytest.fixture(scope="module")
def shared_course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """One copy for the tests that add a file and take it away again."""
    return Course(copy_course(ROOT, tmp_path_factory.mktemp("integrity") / "course"))


@pytest.mark.parametrize("name", sorted(PYTEST_CONFIG))
@pytest.mark.parametrize(
    "where", ["", "exercises/", "exercises/ex02_missing_await/", "exercises/ex02_missing_await/x/"]
)
def test_every_pytest_configuration_file_added_anywhere_is_tampering(shared_course, where, name):
    # pytest reads each of these names as configuration (or conftest) wherever it sits on the
    # way to a test: one test per name and place, not only conftest.py
    course = shared_course
    exercises, manifest = load_exercises(course.path), read_manifest(course.path)
    path = course.path / where / name
    kept = path.read_bytes() if path.is_file() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_text("[pytest]\n", encoding="utf-8")
        found = tampering(course.path, exercises, manifest)
    finally:
        if kept is None:
            path.unlink()
        else:
            path.write_bytes(kept)

    everyone = where in ("", "exercises/")
    tainted = {e.folder for e in exercises} if everyone else {"ex02_missing_await"}
    # the course's own (conftest.py, pyproject.toml at the root) are protected: "changed"
    said = "was changed" if f"{where}{name}" in manifest else "was added (delete it)"
    assert set(found) == tainted
    assert all(f"{where}{name} {said}" in found[folder] for folder in tainted)


def test_a_changed_or_deleted_protected_file_is_tampering(course):
    exercises = load_exercises(course.path)
    course.write("exercises/ex02_missing_await/test_missing_await.py", "# changed\n")
    (course.path / "exercises/ex03_blocking_sleep/urls.py").unlink()

    found = tampering(course.path, exercises, read_manifest(course.path))

    assert set(found) == {"ex02_missing_await", "ex03_blocking_sleep"}
    assert "test_missing_await.py was changed" in found["ex02_missing_await"]
    assert "urls.py was deleted" in found["ex03_blocking_sleep"]


def git(course, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=course.path,
        check=True,
        capture_output=True,
    )


def test_pristine_grades_against_the_tests_at_a_git_ref(course):
    course.keep("ex03_blocking_sleep")
    git(course, "init", "-q")
    git(course, "add", "-A")
    git(course, "commit", "-q", "-m", "course as shipped")
    # An edited test that would pass anything:
    test_file = "exercises/ex03_blocking_sleep/test_blocking_sleep.py"
    course.write(test_file, "def test_nothing():\n    pass\n")

    _, plain = course.grade_json()
    _, pristine = course.grade_json("--pristine", "HEAD")

    assert by_id(plain)["blocking_sleep"]["status"] == "tampered"
    blocking = by_id(pristine)["blocking_sleep"]
    assert blocking["status"] == "failed", blocking["message"]
    assert "time.sleep()" in blocking["message"]
    assert pristine["score"] == 0


def test_pristine_with_an_unknown_ref_is_a_usage_error(course):
    git(course, "init", "-q")
    done = course.grader("--pristine", "no-such-ref")
    assert done.returncode == 2
    assert "--pristine 'no-such-ref': no such commit" in done.stderr


def test_verify_notices_a_manifest_out_of_date(course):
    course.write("exercises/ex01_first_async_view/test_first_async_view.py", "# changed\n")
    done = course.grader("verify")
    assert done.returncode == 1
    assert "grader/manifest.json does not match the protected files" in done.stdout
