"""Root urls: every exercise is mounted under `/<exercise-id>/`; `/` is the learner's progress
(`course/progress.py`) and `/health/` a health check.

A learner's exercise may not import (a `SyntaxError` mid-edit, a bad import).
That exercise is mounted as an error page naming the problem, and every other
exercise keeps working: one broken exercise never breaks the course.
"""

from importlib import import_module

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.urls import URLPattern, URLResolver, include, path, re_path

from course import progress
from course.catalog import Exercise, load_exercises, not_loaded

EXERCISES = load_exercises()


def health(request: HttpRequest) -> HttpResponse:
    """The page a load balancer asks for to learn that the server is up: as cheap as a page
    gets. A plain `def`, as health checks usually are: Django runs it in a worker thread,
    and its answer goes out through the event loop like every other.
    """
    return HttpResponse("ok\n", content_type="text/plain")


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


urlpatterns = [
    path("", progress.progress, name="progress"),
    path("health/", health, name="health"),
    path("progress/<str:exercise_id>/", progress.exercise_page, name="exercise"),
    path("progress/<str:exercise_id>/live/", progress.live_page, name="live"),
    *(mount(exercise) for exercise in EXERCISES),
]
