"""Root urls: every exercise is mounted under `/<exercise-id>/`.

A learner's exercise may not import (a `SyntaxError` mid-edit, a bad import).
That exercise is mounted as an error page naming the problem, and every other
exercise keeps working: one broken exercise never breaks the course.
"""

from importlib import import_module

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.urls import URLPattern, URLResolver, include, path, re_path

from course.catalog import Exercise, load_exercises, not_loaded

EXERCISES = load_exercises()


def index(request: HttpRequest) -> HttpResponse:
    links = "".join(
        f'<li><a href="/{exercise.id}/">{exercise.number:02d} {exercise.title}</a></li>'
        for exercise in EXERCISES
    )
    return HttpResponse(f"<h1>awaitlings</h1><ul>{links}</ul>")


def broken_exercise(exercise: Exercise, error: Exception):
    """A view that explains why `exercise` could not be mounted."""
    problem = not_loaded(exercise.folder, error)

    def explain(request: HttpRequest) -> HttpResponse:
        return HttpResponseServerError(problem, content_type="text/plain")

    return explain


def mount(exercise: Exercise) -> URLPattern | URLResolver:
    try:
        urls = import_module(f"{exercise.package}.urls")
    except Exception as error:  # a learner's edit must not take down the course
        return re_path(rf"^{exercise.id}/", broken_exercise(exercise, error))
    return path(f"{exercise.id}/", include(urls))


urlpatterns = [path("", index), *(mount(exercise) for exercise in EXERCISES)]
