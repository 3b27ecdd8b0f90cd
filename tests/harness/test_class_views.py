"""A class-based view Django refuses (exercise 20) is told in plain words, with each handler's
kind and line, and only that refusal of Django's is (any other error is not explained)."""

from __future__ import annotations

import inspect

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.views import View

from course.testing.explain import mixed_handlers


class Mixed(View):
    async def get(self, request):
        return JsonResponse({})

    def post(self, request):
        return JsonResponse({})


def refusal(view: type[View]) -> ImproperlyConfigured:
    with pytest.raises(ImproperlyConfigured) as refused:
        view.as_view()
    return refused.value


def line_of(method) -> int:
    return inspect.getsourcelines(method)[1]


def test_each_handler_is_named_with_its_kind_and_line():
    said = mixed_handlers(refusal(Mixed))

    here = "tests/harness/test_class_views.py"
    assert said is not None
    assert said.startswith(
        f"Mixed mixes sync and async handlers (async def: get at {here}:{line_of(Mixed.get)}; "
        f"def: post at {here}:{line_of(Mixed.post)})"
    )
    assert said.endswith("make every handler `async def`")


def test_another_configuration_error_is_not_explained_as_mixed_handlers():
    assert mixed_handlers(ImproperlyConfigured("SECRET_KEY must not be empty")) is None
    assert mixed_handlers(ValueError("HTTP handlers must either be all sync or all async")) is None
