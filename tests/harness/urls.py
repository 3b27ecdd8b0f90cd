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
]

urlpatterns = [
    *(path(f"{name}/", getattr(views, name)) for name in NAMES),
    path("status_of/<int:n>/", views.status_of),
]
