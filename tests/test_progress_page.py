"""The learner's progress at `/` of the course's own server (course/progress.py).

A copy of the course with three exercises is graded by the real grader
(exercise 02 solved, 01 and 03 as shipped), two hints of 01 are seen, 03 is
edited after its verdict, and a `grader live` page of 01 is kept; then the
copy is served by uvicorn and read as a learner's browser reads it: over
HTTP, and in a real headless Chromium (Debian's package, driven by
Playwright) with JavaScript off, screenshots included. Without Chromium the
browser tests are skipped, unless AWAITLINGS_BROWSER_REQUIRED is set (CI).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from course.catalog import ROOT
from grader.sealed.site import free_port, uvicorn_command
from grader.state import State
from grader.workspace import copy_course
from tests.conftest import Course
from tests.servers import Server, serve, server_environment

pytestmark = pytest.mark.timeout(240)  # the fixture grades three exercises first

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
KEPT = ("ex01_first_async_view", "ex02_missing_await", "ex03_blocking_sleep")
LIVE_PAGE = "<!DOCTYPE html><html><body><h1>a kept live run</h1></body></html>"
PASSED, FAILED, STALE = (27, 127, 59), (179, 38, 30), (138, 109, 0)  # the page's badge colours


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    course = Course(copy_course(ROOT, tmp_path_factory.mktemp("progress") / "course"))
    course.keep(*KEPT).solve("ex02_missing_await")
    graded = course.grader()
    assert graded.returncode == 1, graded.stdout + graded.stderr  # 01 and 03 fail
    assert course.grader("hint", "1").returncode == 0
    exercises = {exercise.folder: exercise for exercise in course.exercises()}
    State(course.path).keep_live_page(exercises["ex01_first_async_view"], LIVE_PAGE)
    views = course.path / "exercises" / "ex03_blocking_sleep" / "views.py"
    views.write_text(views.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    port = free_port()
    command = uvicorn_command(sys.executable, port, max_requests=500)
    # As a learner starts it, in the same environment as the grader: a verdict kept for another
    # database (DATABASE_URL) would be out of date.
    with serve("uvicorn", command, port, course.path, server_environment()) as server:
        yield server


def get(server: Server, path: str) -> httpx.Response:
    return httpx.get(server.url + path, timeout=30)


def row(page: str, title: str) -> str:
    """The table row of the exercise titled `title`."""
    start = page.index(f">{title}</a>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_each_exercise_shows_its_kept_verdict(learner: Server) -> None:
    page = get(learner, "/").text

    assert "1 of 3 exercises pass" in page
    assert "passes" in row(page, "The missing await")
    assert "10/10 points" in row(page, "The missing await")
    assert "fails" in row(page, "Your first async view")
    assert "2/3 hints seen" in row(page, "Your first async view")  # grading showed the first
    assert "0/3 hints seen" in row(page, "The missing await")
    assert "href='/missing_await/'" in row(page, "The missing await")  # try it


def test_a_verdict_for_files_changed_since_is_out_of_date(learner: Server) -> None:
    page = get(learner, "/").text

    edited = row(page, "A sleep that stops the world")
    assert "out of date" in edited and ">fails<" not in edited
    assert "run `python grader`" in edited
    assert "—/10 points" in edited  # counted only from a verdict on the files as they are
    detail = get(learner, "/progress/blocking_sleep/").text
    assert "That verdict was: failed, the view blocked the event loop" in detail


def test_the_next_exercise_says_why_it_fails_and_shows_its_readme(learner: Server) -> None:
    page = get(learner, "/").text
    upcoming = page[page.index("Next: 01") : page.index("Chapter 1 ·")]

    assert "declare it with <code>async def</code>" in upcoming  # the grader's own message
    assert "<code>test_the_view_is_async</code>" in upcoming
    assert "<h2>Your task</h2>" in upcoming  # the README, rendered
    assert "python grader hint 1" in upcoming
    hints = upcoming[upcoming.index("Hints seen (2 of 3)") : upcoming.index("Next hint")]
    assert "declared with <code>async def</code>" in hints and "await fetch_forecast()" in hints
    assert "The whole view" not in hints  # the hint not yet seen


def test_a_passed_exercise_points_at_its_reference(learner: Server) -> None:
    page = get(learner, "/progress/missing_await/").text

    assert "python grader solution 2" in page
    assert "<li>none yet</li>" in page  # no hint of 02 seen
    assert "python grader solution" not in get(learner, "/progress/first_async_view/").text


def test_the_latest_live_run_is_shown_where_one_is_kept(learner: Server) -> None:
    page = get(learner, "/progress/first_async_view/").text

    assert "<iframe src='/progress/first_async_view/live/'" in page
    assert get(learner, "/progress/first_async_view/live/").text == LIVE_PAGE
    assert "<iframe" not in get(learner, "/progress/missing_await/").text
    assert get(learner, "/progress/missing_await/live/").status_code == 404
    assert get(learner, "/progress/no_such_exercise/").status_code == 404


def test_the_health_check_answers(learner: Server) -> None:
    answer = get(learner, "/health/")

    assert (answer.status_code, answer.text) == (200, "ok\n")


# In a real browser, JavaScript off


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("AWAITLINGS_BROWSER_REQUIRED"):
            pytest.fail(f"no Chromium at {CHROMIUM}, and AWAITLINGS_BROWSER_REQUIRED is set")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = chromium.new_context(
            java_script_enabled=False, viewport={"width": 1000, "height": 800}
        )
        yield context
        chromium.close()


def test_a_learner_finds_the_next_exercise_and_follows_its_link(learner, browser) -> None:
    page = browser.new_page()
    page.goto(learner.url + "/")

    assert page.title() == "awaitlings: your progress"
    assert page.get_by_role("heading", name="Next: 01 Your first async view").is_visible()
    page.get_by_role("link", name="The missing await").click()
    page.wait_for_url("**/progress/missing_await/")
    assert page.get_by_role("heading", name="02 The missing await").is_visible()
    page.get_by_role("link", name="← your progress").click()
    page.wait_for_url(learner.url + "/")


def test_the_live_run_shows_inside_its_exercise_page(learner, browser) -> None:
    page = browser.new_page()
    page.goto(learner.url + "/progress/first_async_view/")

    inner = page.frame_locator("iframe").get_by_role("heading", name="a kept live run")
    assert inner.is_visible()


def colour_of(png: bytes) -> tuple[int, int, int]:
    """The most common colour of a screenshot."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return max(image.getcolors(image.width * image.height))[1]


@pytest.mark.parametrize(
    ("title", "colour"),
    [
        ("The missing await", PASSED),
        ("Your first async view", FAILED),
        ("A sleep that stops the world", STALE),
    ],
)
def test_each_state_is_drawn_in_its_own_colour(learner, browser, title, colour) -> None:
    page = browser.new_page()
    page.goto(learner.url + "/")

    badge = page.get_by_role("row").filter(has_text=title).locator(".state")
    assert colour_of(badge.screenshot()) == colour


def test_the_page_fits_a_phone_screen(learner, browser) -> None:
    from PIL import Image

    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(learner.url + "/")

    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    assert shot.width == 390, f"the page is {shot.width} px wide on a 390 px screen"
