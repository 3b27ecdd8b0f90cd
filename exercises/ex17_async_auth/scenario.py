"""Outside check of exercise 17: a logged-in customer is greeted by name, an anonymous visitor
is asked to log in."""

from grader.sealed.scenario import Scenario, request_watched, unexpected
from grader.sealed.site import Site

PATH = "/async_auth/"
# A customer logged in as a login form would leave her: a session in the database that names
# her, and its key in the `sessionid` cookie of her browser.
CUSTOMER = "ana"
SESSION = "ana-logged-in-by-the-grader"
ROWS = (
    "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
    "from django.contrib.auth import get_user_model\n"
    "from django.contrib.sessions.backends.db import SessionStore\n"
    f"customer = get_user_model().objects.create_user({CUSTOMER!r})\n"
    f"session = SessionStore({SESSION!r})\n"
    "session.save(must_create=True)  # its row first: a key with none is dropped when read\n"
    "session[SESSION_KEY] = str(customer.pk)\n"
    "session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
    "session[HASH_SESSION_KEY] = customer.get_session_auth_hash()\n"
    "session.save()\n"
)
LOGGED_IN = {"Cookie": f"sessionid={SESSION}"}


def check(site: Site) -> list[str]:
    # the async ORM reads the session and the user in worker threads: on PostgreSQL they wait
    greeted, blocked = request_watched(site, "GET", PATH, threads_may_wait=True, headers=LOGGED_IN)
    anonymous = site.request("GET", PATH)
    return (
        blocked
        + unexpected(
            f"{PATH} with {CUSTOMER}'s session cookie",
            greeted,
            200,
            {"greeting": f"Hello, {CUSTOMER}!"},
        )
        + unexpected(f"{PATH} without a session", anonymous, 401, {"error": "log in first"})
    )


SCENARIO = Scenario(
    check=check,
    live=(
        "its mistake is an error, not a wait: Django refuses to load request.user with sync "
        "queries in an async view"
    ),
    rows=ROWS,
)
