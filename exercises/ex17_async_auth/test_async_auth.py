"""The spec of exercise 17. Run it alone with `pytest exercises/ex17_async_auth`."""

import pytest

# The session and the user are read by the async ORM's worker threads, with
# connections of their own: the test's rows must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ana(django_user_model):
    return django_user_model.objects.create_user("ana", password="correct horse battery")


async def test_a_logged_in_customer_is_greeted_by_name(client, ana):
    await client.log_in(ana)

    response = await client.get("/")

    assert response.status_code == 200
    assert response.json() == {"greeting": "Hello, ana!"}


async def test_an_anonymous_visitor_is_asked_to_log_in(client):
    response = await client.get("/")

    assert response.status_code == 401, (
        f"a visitor who is not logged in got {response.status_code} {response.content!r} — "
        "turn them away: `if not user.is_authenticated:` answer 401"
    )
    assert response.json() == {"error": "log in first"}
