from django.urls import path

from . import views

NAMES = [
    "sleeps_blocking",
    "hides_blocking",
    "sleeps_async",
    "sync_sleeps",
    "sync_client_on_loop",
    "sync_client_in_thread",
    "async_to_sync_in_thread",
    "asyncio_run_in_thread",
    "one_after_another",
    "all_at_once",
    "forgets_await",
    "awaits",
    "hashes_on_loop",
    "hashes_in_thread",
    "calls_unmocked",
    "calls_real_network",
    "starts_and_forgets",
    "starts_then_cancels",
    "logs_and_prints",
    "sleeps_imported_by_name",
    "requests_on_loop",
    "requests_in_thread",
    "aiohttp_get",
    "limited_pool",
    "runs_a_loop_of_its_own",
    "uses_an_unawaited_response",
    "unpacks_an_unawaited_gather",
    "hands_a_result_to_a_thread",
    "exits",
    "raises",
    "answers_when_cancelled",
    "ignores_cancellation",
    "draws",
    "hashes_in_a_process",
    "waits_from_two_loops",
    "serialised",
    "cached_page",
    "answers_html",
]

urlpatterns = [
    *(path(f"{name}/", getattr(views, name)) for name in NAMES),
    path("status_of/<int:n>/", views.status_of),
]
