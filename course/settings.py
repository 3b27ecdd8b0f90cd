"""Settings of the course's Django project.

Every exercise is a small Django app under `exercises/`; they are found from
their `exercise.toml`, so adding an exercise never means editing this file.
"""

from course.catalog import ROOT, load_exercises

BASE_DIR = ROOT
SECRET_KEY = "awaitlings-is-a-local-course-not-a-production-site"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    *(exercise.package for exercise in load_exercises()),
]

# Kept empty on purpose: sync-only middleware would move every request off the
# event loop, which is itself a lesson of chapter 4.
MIDDLEWARE: list[str] = []

ROOT_URLCONF = "course.urls"
ASGI_APPLICATION = "course.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
