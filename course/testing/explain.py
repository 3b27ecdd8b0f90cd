"""Plain words for the errors a view raises when it makes one of the course's mistakes.

Python's own message is accurate but speaks of the machinery ("'coroutine'
object has no attribute 'json'", "await wasn't used with future"); the
learner needs the mistake and its fix, at their line. `explain` returns None
for errors that are not one of the lesson's mistakes: those keep their
traceback.
"""

from __future__ import annotations

import inspect
import linecache
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import respx
from asgiref.sync import iscoroutinefunction
from django.core.exceptions import FieldError, ImproperlyConfigured, SynchronousOnlyOperation

from course.testing.locate import LearnerCode, Location
from course.testing.network import find_refusal

# Attributes a Django 1.x habit calls as methods.
PROPERTIES = ("is_authenticated", "is_anonymous")
AWAITABLES = {"coroutine", "_GatheringFuture", "Task", "Future"}
OFFLOADERS = ("asyncio/threads.py", "concurrent/futures/", "asgiref/sync.py", "asyncio/base_events")


@dataclass(frozen=True)
class Misuse:
    """A mistake that the error's own message names: its type and a phrase in it."""

    kind: type[BaseException]
    says: str
    reason: str  # {where}: at the learner's line; {message}: the error's own words
    first: bool = False  # the reason to read even before what the probes report

    def matches(self, error: BaseException) -> bool:
        return isinstance(error, self.kind) and self.says in str(error)


MISUSES = (
    Misuse(
        TypeError,
        "can't be used in 'await' expression",
        "the view awaited something that is not awaitable{where} ({message}) — await the "
        "call, `await fetch()`, not the function itself",
    ),
    Misuse(
        TypeError,
        "does not support the context manager protocol",
        "the view used an async context manager with `with`{where} ({message}) — "
        "write `async with`",
    ),
    Misuse(
        TypeError,
        "'Atomic' object does not support the asynchronous context manager protocol",
        "the view used `async with transaction.atomic()`{where}, but Django's transactions "
        "are sync only — put the writes in one plain function under `@transaction.atomic` "
        "and call it with `await sync_to_async(that_function)(...)`",
    ),
    # A decorator made for sync functions hides the coroutine function from
    # Django, which then calls the view as sync and gets a coroutine back (the
    # coroutine is never awaited too: this is the reason to read).
    Misuse(
        ValueError,
        "It returned an unawaited coroutine instead",
        "Django called the view as a plain function and got a coroutine back: a decorator "
        "made for sync functions (such as `@transaction.atomic`) wraps the `async def` view "
        "— remove it; for a transaction, put the writes in one plain function under "
        "`@transaction.atomic` and call it with `await sync_to_async(that_function)(...)`",
        first=True,
    ),
    Misuse(
        TypeError,
        "asynchronous context manager protocol",
        "the view used `async with` on a sync object{where} ({message}) — use its async "
        "twin (`httpx.AsyncClient`), or a plain `with`",
    ),
    Misuse(
        TypeError,
        "'async for' requires an object with __aiter__ method",
        "the view used `async for` over a sync iterator{where} ({message}) — a queryset's "
        "`.iterator()` is sync: its async twin is `.aiterator()`, or iterate the queryset "
        "itself, `async for item in queryset`",
    ),
    Misuse(
        FieldError,
        "given in select_related",
        "the view asked select_related() for a relation it cannot join{where} ({message}) — "
        "select_related follows foreign keys (and one-to-one fields) only; for the reverse "
        'side of a foreign key, or many-to-many, use `.prefetch_related("…")`',
    ),
    Misuse(
        TypeError,
        "cannot pickle 'coroutine' object",
        "the view stored a coroutine in the cache{where}, not its result: "
        "`cache.aget_or_set(key, fetch)` calls `fetch()` without awaiting it — on a miss, "
        "await the call yourself (`data = await fetch_forecast()`), then `await cache.aset(...)`",
    ),
    # asyncio.wait() refuses coroutines (Python 3.11+), which are then never awaited: the
    # refusal is the reason to read, not the missing await.
    Misuse(
        TypeError,
        "Passing coroutines is forbidden",
        "the view passed coroutines to asyncio.wait(){where}, which takes tasks (or futures) "
        "— make each a task first: `asyncio.create_task(fetch_from(mirror))`; the tasks it "
        "gives back are the same objects, so `done.pop().result()` is the answer",
        first=True,
    ),
    Misuse(
        RuntimeError,
        "await wasn't used with future",
        "the view used a future (from asyncio.gather or a task) without `await`{where} — "
        "`await` it to get the results",
    ),
    # `asyncio.run(fetch())` in a view also leaves `fetch()` never awaited; the
    # learner did call it, so the misuse of asyncio.run is the reason to read.
    Misuse(
        RuntimeError,
        "cannot be called from a running event loop",
        "the view called asyncio.run(){where}, but a view already runs on the server's "
        "event loop — `await` the coroutine instead",
        first=True,
    ),
    Misuse(
        RuntimeError,
        "AsyncToSync in the same thread",
        "the view called async_to_sync(){where} on the event loop — in an `async def` "
        "view, `await` the coroutine directly",
        first=True,
    ),
    Misuse(
        RuntimeError,
        "bound to a different event loop",
        "an asyncio object was used from two event loops{where} — a server runs one loop; "
        "do not start loops of your own (asyncio.run, async_to_sync in a thread)",
    ),
)


def explain(error: BaseException, code: LearnerCode) -> str | None:
    """A plain-words reason for `error` if it is one of the lesson's mistakes, else None."""
    location = code.in_traceback(error.__traceback__)
    where = f" at {location}" if location else ""
    message = str(error)
    if isinstance(error, ImproperlyConfigured) and (mixed := mixed_handlers(error)):
        return mixed
    if isinstance(error, SystemExit):
        return (
            f"the view called sys.exit({error.code!r}){where} — a view returns a response; "
            "stopping the process stops every request"
        )
    if isinstance(error, TypeError) and "is not JSON serializable" in message:
        kind = message.removeprefix("Object of type ").split(" ")[0]
        if kind in AWAITABLES:
            data = _argument_of("default", "o", error)  # what json could not encode
            return _awaitable_in_the_response(kind, where, _made_by(data, code))
    if isinstance(error, TypeError) and "set the safe parameter to False" in message:
        data = _argument_of("__init__", "data", error)
        if inspect.isawaitable(data):
            return _awaitable_in_the_response(
                type(data).__name__, where, _made_by(data, code), " (in an `async def` view)"
            )
    read_none = isinstance(error, AttributeError) and getattr(error, "obj", 0) is None
    if read_none and location and re.search(r"\ba(first|last)\(", _source_file(location)):
        return (
            f"the view read `.{error.name}` of None{where} — `afirst()` and `alast()` "
            "give None when nothing matches (only `aget()` raises `DoesNotExist`): check "
            "`if item is None:` and answer the 404 there"
        )
    if isinstance(error, AttributeError) and inspect.isawaitable(getattr(error, "obj", None)):
        name = getattr(error.obj, "__qualname__", type(error.obj).__name__)
        called = _called_at(error.obj, code)
        used = f", then used its result{where}" if called and called != where else ""
        return (
            f"the view called {name}() without `await`{called or where}{used}: it is a "
            f"coroutine that never ran, so it has no `.{error.name}` — put `await` before the call"
        )
    if isinstance(error, RuntimeError) and _sent_from(error, ("send", "send_robust")):
        return (
            f"the view sent a signal with `send()`{where}, which runs async receivers through "
            "async_to_sync, and that cannot run on the event loop — in an `async def` view, "
            "send it with `await signal.asend(...)` (Django 5.0+), which runs them side by side"
        )
    for misuse in MISUSES:
        if misuse.matches(error):
            return misuse.reason.format(where=where, message=message)
    if isinstance(error, TypeError) and "object is not callable" in message:
        called = next((name for name in PROPERTIES if f".{name}(" in _source(location)), "")
        if called:
            return (
                f"the view called `{called}()`{where}, but `{called}` is a property, not a "
                f"method (since Django 1.10): read it without parentheses, `user.{called}`"
            )
    if isinstance(error, TypeError) and _passed_a_result_to_a_thread(error):
        return (
            f"the view called the function itself and handed its result to the worker "
            f"thread{where} ({message}) — pass the function and its arguments separately, "
            "e.g. `await asyncio.to_thread(hash_password, password)`"
        )
    if isinstance(error, SynchronousOnlyOperation):
        return _sync_only(error, where, _source(location))
    if refusal := find_refusal(error):
        return f"{refusal}{where}"
    if isinstance(error, respx.models.AllMockedAssertionError):
        return (
            f"the view called an URL the test does not serve{where}: {error} — "
            "use the URL the exercise gives"
        )
    return None


# Django refuses sync database work on the event loop (SynchronousOnlyOperation);
# where in Django it was refused tells which of the lesson's mistakes it was.
SYNC_ONLY = (
    (
        "django/db/transaction.py",
        "the view used transaction.atomic() in async code{where} — Django's transactions "
        "are sync only: put the writes in one plain function under `transaction.atomic()` "
        "and call it with `await sync_to_async(that_function)(...)`",
    ),
    (
        "django/contrib/auth/",
        "the view read request.user in async code{where} — loading the user is a sync "
        "database query, refused on the event loop: use `user = await request.auser()`",
    ),
)
LAZY_RELATION = (
    "the view loaded {related} lazily{where} — a related object is fetched by a query of "
    "its own the first time it is read, and a sync query is refused on the event loop: "
    "fetch the related rows with the main query, "
    '`.select_related("…")` for a foreign key or `.prefetch_related("…")` for many'
)


def _sync_only(error: SynchronousOnlyOperation, where: str, line: str) -> str:
    frames = [frame for frame, _ in traceback.walk_tb(error.__traceback__)]
    files = [frame.f_code.co_filename for frame in frames]
    decorating = [  # the function each decorator made by ContextDecorator wraps
        frame.f_locals.get("func")
        for frame in frames
        if frame.f_code.co_name == "inner" and "contextlib" in frame.f_code.co_filename
    ]
    atomic = any("django/db/transaction.py" in name for name in files)
    if atomic and any(iscoroutinefunction(func) for func in decorating):
        return (
            f"`@transaction.atomic` sits above `@sync_to_async`{where}: it wraps the coroutine "
            "function, so it opens its transaction on the event loop, where it cannot begin "
            "(and the writes would run later, in a worker thread, outside it) — put "
            "`@sync_to_async` on top, over `@transaction.atomic` and the plain function"
        )
    if atomic and decorating:
        return (
            f"the view called its `@transaction.atomic` function directly{where}, on the event "
            "loop, where the transaction cannot begin — run it in a worker thread: "
            "`await sync_to_async(that_function)(...)`"
        )
    lazy = any("django/utils/functional.py" in name for name in files)
    if lazy and "django/contrib/auth/" in "".join(files) and "request.user" not in line:
        return (
            f"the view read a lazy `request.user`{where}, handed on unevaluated (by "
            "`sync_to_async(lambda: request.user)` or a variable): it loads the user the first "
            "time it is read, there, on the event loop, where Django refuses the sync query — "
            "use `user = await request.auser()`"
        )
    for fragment, reason in SYNC_ONLY:
        if any(fragment in name for name in files):
            return reason.format(where=where)
    if related := _lazy_relation(error):
        return LAZY_RELATION.format(related=related, where=where)
    return (
        f"the view ran a sync database query on the event loop{where}, which Django refuses "
        "(SynchronousOnlyOperation): it would hold the loop while the database answers — "
        "use the ORM's async methods: `await ….aget()`, `await ….acount()`, "
        "`async for … in queryset`"
    )


def _lazy_relation(error: BaseException) -> str:
    """`product.maker` or `maker.products` if the refused query fetched related rows."""
    for frame, _ in traceback.walk_tb(error.__traceback__):
        this = frame.f_locals.get("self")
        instance = frame.f_locals.get("instance")
        field = getattr(this, "field", None)
        if frame.f_code.co_name == "__get__" and instance is not None and field is not None:
            return f"{type(instance).__name__.lower()}.{field.name}"  # a foreign key
        known = getattr(this, "_known_related_objects", None)
        if isinstance(known, dict) and len(known) == 1:  # a related manager's queryset
            [(field, owners)] = known.items()
            owner = next(iter(owners.values()), None)
            accessor = field.remote_field.get_accessor_name()
            return f"{type(owner).__name__.lower()}.{accessor}"
    return ""


def explained_first(error: BaseException) -> bool:
    """True for errors whose reason is truer than what the probes would report."""
    return any(misuse.first and misuse.matches(error) for misuse in MISUSES)


# How a learner knows the awaitables Python names by their class.
AWAITABLE_NAMES = {"_GatheringFuture": "the future of asyncio.gather()"}


def _awaitable_in_the_response(kind: str, where: str, made_by: str, note: str = "") -> str:
    what = AWAITABLE_NAMES.get(kind, f"a {kind} object")
    return (
        f"the view put {what}{made_by} into its response{where}, not its result — "
        f"`await` it to get the result{note}"
    )


def _called_at(awaitable: object, code: LearnerCode) -> str:
    """` at views.py:14`: where the learner's code made the coroutine, if Python kept it."""
    origin = getattr(awaitable, "cr_origin", None) or ()
    location = code.innermost(reversed(origin))
    return f" at {location}" if location else ""


def _made_by(awaitable: object, code: LearnerCode) -> str:
    """` (from cache.aget() at views.py:10)` for a coroutine, else ""."""
    name = getattr(awaitable, "__qualname__", "")
    called = _called_at(awaitable, code)
    return f" (from {name}(){called})" if name and inspect.iscoroutine(awaitable) else ""


def _passed_a_result_to_a_thread(error: TypeError) -> bool:
    """`to_thread(f(x))`: the worker thread was handed a value where a function belongs."""
    message = str(error)
    not_a_function = ("object is not callable", "can only be applied to sync functions")
    if not any(text in message for text in not_a_function):
        return False
    innermost = [frame.f_code.co_filename for frame, _ in traceback.walk_tb(error.__traceback__)]
    # Raised where the offloader calls what it was given: every view's traceback passes
    # through asgiref/sync.py, so a call that fails in the view itself does not count.
    return bool(innermost) and any(part in innermost[-1] for part in OFFLOADERS)


def _source(location: Location | None) -> str:
    """The text of the learner's line at `location`, or ""."""
    return linecache.getline(str(location.path), location.line) if location else ""


def _source_file(location: Location) -> str:
    """The whole text of the learner's file at `location`."""
    return "".join(linecache.getlines(str(location.path)))


def _argument_of(function: str, name: str, error: BaseException) -> object:
    """The value of `name` in the innermost frame of `function` in the traceback, if any."""
    found = None
    for frame, _ in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_name == function and name in frame.f_locals:
            found = frame.f_locals[name]
    return found


HTTP_HANDLERS_MIXED = "HTTP handlers must either be all sync or all async"


def mixed_handlers(error: BaseException) -> str | None:
    """Plain words for Django refusing a class-based view whose handlers mix `def` and
    `async def` (`View.view_is_async`, when `as_view()` runs as the urls are imported)."""
    if HTTP_HANDLERS_MIXED not in str(error):
        return None
    link, view = error.__traceback__, None
    while link is not None:
        if link.tb_frame.f_code.co_name == "view_is_async":
            view = link.tb_frame.f_locals.get("cls")
        link = link.tb_next
    if view is None:
        return None
    handlers = [
        name for name in view.http_method_names if name != "options" and hasattr(view, name)
    ]
    kinds = {
        kind: [
            _handler(view, name)
            for name in handlers
            if iscoroutinefunction(getattr(view, name)) == is_async
        ]
        for kind, is_async in (("async def", True), ("def", False))
    }
    mix = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in kinds.items())
    return (
        f"{view.__qualname__} mixes sync and async handlers ({mix}), and Django refuses such a "
        f"class when its urls are imported (\u201c{HTTP_HANDLERS_MIXED}\u201d: it decides "
        "once whether the view is async) — make every handler `async def`"
    )


def _handler(view: type, name: str) -> str:
    """`post at exercises/…/views.py:22`: a handler of `view`, where it is defined."""
    try:
        function = inspect.unwrap(getattr(view, name))
        line = inspect.getsourcelines(function)[1]
        path = Path(inspect.getsourcefile(function) or "")
    except (OSError, TypeError):
        return name
    return f"{name} at {Location(path, line, name)}"


def _sent_from(error: BaseException, methods: tuple[str, ...]) -> bool:
    """True when `error` was raised inside Django's `Signal.<method>` (a sync send)."""
    return any(
        frame.f_code.co_filename.endswith("django/dispatch/dispatcher.py")
        and frame.f_code.co_name in methods
        for frame, _ in traceback.walk_tb(error.__traceback__)
    )
