"""ASGI entry point: `uvicorn course.asgi:application` serves every exercise."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from course.handlers import course_application  # noqa: E402 (needs the settings above)

application = course_application()
