"""The learner's progress in the browser: `/` of the course's own server.

A learner who runs the server to try their views by hand sees where they
stand without a terminal: each chapter's exercises with the verdicts
`python grader` kept (`.awaitlings/results.json`), the next exercise with its
README, the hints they have seen, a link to try each exercise's page, and the
latest `python grader live` timeline. Nothing here grades: a verdict shown is
one the grader kept for the files as they are now; one kept for files that
have changed since is shown as out of date, never as current.

Plain HTML and CSS, no JavaScript. The views are plain `def`s: they read
files, which Django runs in a worker thread, off the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from course.catalog import ROOT, CatalogError, Exercise, load_assignment, load_chapters
from grader.cache import ResultCache
from grader.report import solution_line
from grader.results import ExerciseResult, TestResult
from grader.solution import has_reference
from grader.state import State

# What each state is called on the page, and what it means.
STATES = {
    "passed": "passes",
    "failed": "fails",
    "stale": "out of date",
    "new": "not graded yet",
}
EXPLAINED = {
    "stale": "changed since its last verdict (its files, or the course, Python, Django or the "
    "database): run `python grader`. That verdict was",
    "new": "run `python grader` to grade it",
}
MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
  color: #1a1a1a; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
@media (max-width: 40rem) { table { display: block; overflow-x: auto; } }
td, th { padding: .3rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
.state { padding: .1rem .5rem; border-radius: .3rem; color: #fff; white-space: nowrap; }
.passed { background: #1b7f3b; } .failed { background: #b3261e; }
.stale { background: #8a6d00; } .new { background: #666; }
.next { border: 2px solid #1a1a1a; padding: 0 1rem 1rem; border-radius: .5rem; }
.readme { border-top: 1px solid #ddd; margin-top: 1rem; }
pre { background: #f4f4f4; padding: .6rem; overflow-x: auto; }
code { background: #f4f4f4; }
iframe { width: 100%; height: 40rem; border: 1px solid #ddd; }
"""


@dataclass
class Standing:
    """Where the learner stands on one exercise."""

    exercise: Exercise
    state: str  # a key of STATES
    result: ExerciseResult  # the kept verdict, or one with no tests when there is none

    @property
    def message(self) -> str:
        if self.state == "stale":
            was = ", ".join(part for part in (self.result.status, self.result.message) if part)
            return f"{EXPLAINED['stale']}: {was}"
        return EXPLAINED.get(self.state) or self.result.message

    @property
    def points(self) -> str:
        """Its points, counted only from a verdict on the files as they are."""
        score = self.result.score if self.state in ("passed", "failed") else "—"
        return f"{score}/{self.exercise.points} points"


def standings(exercises: list[Exercise]) -> list[Standing]:
    """Each of `exercises` with its kept verdict."""
    cache = ResultCache(ROOT, None)  # as `python grader` keeps them, with no --test-timeout
    found = []
    for exercise in exercises:
        result = cache.get(exercise, cache.key(exercise))
        if result is not None:
            found.append(Standing(exercise, result.status, result))
            continue
        last = cache.last(exercise)  # a verdict on other files, shown as such
        state = "new" if last is None else "stale"
        found.append(Standing(exercise, state, last or ExerciseResult(exercise, [])))
    return found


def progress(request: HttpRequest) -> HttpResponse:
    """Every chapter's exercises, their states, and the next exercise with its README."""
    try:
        found = standings(load_assignment(ROOT))
    except CatalogError as error:  # a teacher's awaitlings.toml that does not parse
        return HttpResponse(str(error), status=500, content_type="text/plain")
    chapters = load_chapters()
    done = sum(s.state == "passed" for s in found)
    pending = [s for s in found if s.state != "passed"]
    tables = format_html_join(
        "\n",
        "<h2>Chapter {} · {}</h2>\n<table>{}</table>",
        (
            (chapter, chapters.get(chapter, ""), _rows(list(members)))
            for chapter, members in groupby(found, key=lambda s: s.exercise.chapter)
        ),
    )
    if pending:
        upcoming = _detail(pending[0], heading="Next")
    else:
        upcoming = mark_safe("<p class=next><strong>Every exercise passes. Well done!</strong></p>")
    body = format_html(
        "<h1>awaitlings</h1><p>{} of {} exercises pass. The states are the verdicts "
        "<code>python grader</code> kept; run it after an edit to bring them up to date.</p>"
        "{}{}",
        done,
        len(found),
        upcoming,
        tables,
    )
    return _page("awaitlings: your progress", body)


def exercise_page(request: HttpRequest, exercise_id: str) -> HttpResponse:
    """One exercise: its state, why it fails, the hints seen, its README."""
    [standing] = standings([_assigned(exercise_id)])
    body = format_html("<p><a href='/'>← your progress</a></p>{}", _detail(standing))
    return _page(f"awaitlings: {standing.exercise.title}", body)


def live_page(request: HttpRequest, exercise_id: str) -> FileResponse:
    """The page the latest `python grader live` of the exercise wrote."""
    page = State(ROOT).live_page(_assigned(exercise_id))
    if not page.is_file():
        raise Http404(f"no live run of {exercise_id} is kept")
    return FileResponse(page.open("rb"), content_type="text/html; charset=utf-8")


def _assigned(exercise_id: str) -> Exercise:
    for exercise in load_assignment(ROOT):
        if exercise.id == exercise_id:
            return exercise
    raise Http404(f"no exercise {exercise_id} is assigned")


def _rows(members: list[Standing]) -> SafeString:
    return format_html_join(
        "\n",
        "<tr><td>{}</td><td><a href='/progress/{}/'>{}</a></td>"
        "<td><span class='state {}' title='{}'>{}</span></td><td>{}</td>"
        "<td>{}</td><td><a href='/{}/'>try it</a></td></tr>",
        (
            (
                f"{s.exercise.number:02d}",
                s.exercise.id,
                s.exercise.title,
                s.state,
                s.message,
                STATES[s.state],
                s.points,
                _hints_seen(s.exercise),
                s.exercise.id,
            )
            for s in members
        ),
    )


def _hints_seen(exercise: Exercise) -> str:
    seen = State(ROOT).hints_seen(exercise)
    return f"{seen}/{len(exercise.hints)} hints seen"


def _detail(standing: Standing, heading: str = "") -> SafeString:
    """The exercise's state, why, its tests, the hints seen, the live run and its README."""
    exercise = standing.exercise
    title = f"{heading}: " if heading else ""
    seen = exercise.hints[: State(ROOT).hints_seen(exercise)]
    hints = format_html_join("", "<li>{}</li>", ((_inline(hint),) for hint in seen))
    if not seen:
        hints = mark_safe("<li>none yet</li>")
    after = ""
    if standing.state == "passed" and has_reference(ROOT, exercise):
        after = solution_line(exercise)
    live = ""
    if State(ROOT).live_page(exercise).is_file():
        live = format_html(
            "<h3>Your latest live run</h3><p><a href='/progress/{0}/live/'>Open it on a page of "
            "its own</a>, or run <code>python grader live {1}</code> again.</p>"
            "<iframe src='/progress/{0}/live/' title='python grader live {1}'></iframe>",
            exercise.id,
            exercise.number,
        )
    return format_html(
        "<section class=next><h2>{}{} {}</h2>"
        "<p><span class='state {}'>{}</span> {}</p><ul>{}</ul><p>{}</p>"
        "<p>Edit {} · run it alone: <code>pytest {}</code> · <a href='/{}/'>try its page</a></p>"
        "<h3>Hints seen ({} of {})</h3><ul>{}</ul>{}{}"
        "<div class=readme>{}</div></section>",
        title,
        f"{exercise.number:02d}",
        exercise.title,
        standing.state,
        STATES[standing.state],
        _inline(standing.message),
        _tests(standing.result.tests),
        after,
        ", ".join(exercise.editable),
        exercise.home,
        exercise.id,
        len(seen),
        len(exercise.hints),
        hints,
        _next_hint(exercise, len(seen)),
        live,
        _readme(exercise),
    )


def _next_hint(exercise: Exercise, seen: int) -> SafeString:
    if seen == len(exercise.hints):
        return mark_safe("<p>You have seen every hint; the README says more.</p>")
    return format_html("<p>Next hint: <code>python grader hint {}</code></p>", exercise.number)


def _tests(tests: list[TestResult]) -> SafeString:
    return format_html_join(
        "", "<li>{} <code>{}</code></li>", ((STATES.get(t.status, t.status), t.name) for t in tests)
    )


def _inline(text: str) -> SafeString:
    """A message or a hint, its `code` marked up as code; any HTML in it is escaped."""
    return mark_safe(MARKDOWN.renderInline(text))


def _readme(exercise: Exercise) -> SafeString:
    try:
        text = exercise.readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return format_html("<p>Its README could not be read: {}</p>", error)
    return mark_safe(MARKDOWN.render(text))  # html off: the README's own HTML is escaped


def _page(title: str, body: SafeString) -> HttpResponse:
    return HttpResponse(
        format_html(
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>{}</title><style>{}</style></head><body>{}</body></html>",
            title,
            mark_safe(STYLE),
            body,
        )
    )
