"""One Django app per exercise, whose broken `models.py` breaks only that exercise.

Django imports every app's models in `django.setup()`, and by default one
that fails to import stops the whole project: a syntax error mid-edit in one
exercise would fail every test of every other exercise. Each exercise app
gets an `ExerciseConfig` instead, which keeps the error for that exercise's
tests to report (`models_error`) and lets the others start.
"""

from __future__ import annotations

from django.apps import AppConfig

from course.catalog import Exercise


class ExerciseConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    models_error: BaseException | None = None

    def import_models(self) -> None:
        try:
            super().import_models()
        except (Exception, SystemExit) as error:  # an edit must not take down the course
            self.models_error = error


def app_config(exercise: Exercise) -> str:
    """The dotted path of the exercise's `ExerciseConfig`, made on first use, for INSTALLED_APPS."""
    name = f"{exercise.folder}_config"
    if name not in globals():
        globals()[name] = type(name, (ExerciseConfig,), {"name": exercise.package})
    return f"{__name__}.{name}"
