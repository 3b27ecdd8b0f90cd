"""The spec of exercise 06. Run it alone with `pytest exercises/ex06_dont_async_everything`."""

import hashlib

SIGNUP = {"password": "correct horse battery staple"}


async def test_returns_the_password_digest(client):
    from exercises.ex06_dont_async_everything.passwords import hash_password

    response = await client.post("/", SIGNUP, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {"digest": hash_password(SIGNUP["password"])}


async def test_hashing_runs_off_the_event_loop(client, thread_probe):
    hashing = thread_probe(hashlib, "pbkdf2_hmac")

    await client.post("/", SIGNUP, content_type="application/json")

    hashing.assert_off_event_loop(
        advice="run it with `await asyncio.to_thread(hash_password, password)`, "
        "or make the view a plain `def`"
    )
