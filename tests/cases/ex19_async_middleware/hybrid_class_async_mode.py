# Both modes in one class, as django-htmx's HtmxMiddleware and django-cors-headers'
# CorsMiddleware do it: decide once in __init__, mark the instance, switch in __call__.
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class server_timing:  # the name settings.MIDDLEWARE gives it
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(self.get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        started = time.perf_counter()
        return self.timed(self.get_response(request), started)

    async def __acall__(self, request):
        started = time.perf_counter()
        return self.timed(await self.get_response(request), started)

    @staticmethod
    def timed(response, started):
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
