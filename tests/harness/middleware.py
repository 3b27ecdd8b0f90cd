"""Middleware as learners write it, right and wrong (exercise 19), for `test_middleware.py`."""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.utils.decorators import async_only_middleware, sync_and_async_middleware
from django.utils.deprecation import MiddlewareMixin


def sync_function(get_response):
    def middleware(request):
        response = get_response(request)  # holds the thread
        response["X-Seen"] = "yes"
        return response

    return middleware


class SyncClass:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)  # holds the thread
        response["X-Seen"] = "yes"
        return response


@sync_and_async_middleware
def both_modes(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            response = await get_response(request)
            response["X-Seen"] = "yes"
            return response

        return middleware
    return sync_function(get_response)


@async_only_middleware
def async_only(get_response):
    async def middleware(request):
        response = await get_response(request)
        response["X-Seen"] = "yes"
        return response

    return middleware


class MarkedClass:
    async_capable = True
    sync_capable = False

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    async def __call__(self, request):
        response = await self.get_response(request)
        response["X-Seen"] = "yes"
        return response


class UnmarkedClass(MarkedClass):
    def __init__(self, get_response):
        self.get_response = get_response


class Hooks(MiddlewareMixin):
    def process_response(self, request, response):
        response["X-Seen"] = "yes"
        return response


def async_without_a_flag(get_response):
    async def middleware(request):
        return await get_response(request)

    return middleware


def returns_none(get_response):
    return None
