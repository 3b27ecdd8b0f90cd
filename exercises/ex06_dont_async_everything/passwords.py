"""Password hashing: slow on purpose, and pure CPU work (it never waits on I/O)."""

import hashlib

ITERATIONS = 60_000
# A real site uses a random salt per user (Django's auth hashers do); one fixed
# salt keeps this exercise's answers predictable.
SALT = b"awaitlings"


def hash_password(password: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), SALT, ITERATIONS).hex()
