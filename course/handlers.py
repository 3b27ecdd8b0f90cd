"""The course's ASGI application: Django's own handler, and one more per exercise that brings
middleware of its own.

Middleware is global in a Django project: one sync-only middleware in
`MIDDLEWARE` sends every request of the site through a worker thread. That is
exercise 19's lesson, so its middleware must not reach the other exercises
(their tests would see the threads it costs). The course serves the pages of
an exercise that declares `middleware` in its exercise.toml with a handler of
their own, built by Django exactly as a project whose `MIDDLEWARE` is the
course's plus the exercise's would build it; every other page goes to the
course's handler. A middleware that cannot be loaded breaks its exercise's
pages only, with a page that says why.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

from course.catalog import load_exercises, not_loaded

ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Any]


def exercise_handler(handler_class: type[ASGIHandler], middleware: tuple[str, ...]) -> ASGIHandler:
    """A `handler_class` whose middleware is the project's `MIDDLEWARE`, then `middleware`.

    Django reads `MIDDLEWARE` once, when a handler is made (`load_middleware`):
    the setting is the project's again as soon as this one is made.
    """
    project = settings.MIDDLEWARE
    settings.MIDDLEWARE = [*project, *middleware]
    try:
        return handler_class()
    finally:
        settings.MIDDLEWARE = project


def broken_middleware(folder: str, error: Exception) -> ASGIApp:
    """An application that answers every request with why `folder`'s middleware did not load."""
    body = not_loaded(folder, error).encode()

    async def explain(scope: dict, receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"text/plain; charset=utf-8")]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return explain


def course_application(handler_class: type[ASGIHandler] = ASGIHandler) -> ASGIApp:
    """Every exercise's pages, each through the middleware its exercise declares."""
    main = handler_class()
    own: dict[str, ASGIApp] = {}
    for exercise in load_exercises():
        if exercise.middleware:
            try:
                own[f"/{exercise.id}/"] = exercise_handler(handler_class, exercise.middleware)
            except Exception as error:  # a learner's edit must not take down the course
                own[f"/{exercise.id}/"] = broken_middleware(exercise.folder, error)

    async def application(scope: dict, receive: Any, send: Any) -> None:
        handler: ASGIApp = main
        if scope["type"] == "http":
            path = scope["path"]
            handler = next((app for prefix, app in own.items() if path.startswith(prefix)), main)
        await handler(scope, receive, send)

    return application
