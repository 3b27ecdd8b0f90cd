"""ASGI entry point: `uvicorn course.asgi:application` serves every exercise."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course.settings")

application = get_asgi_application()
