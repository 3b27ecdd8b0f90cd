"""Server-sent events (`text/event-stream`), as exercises 21 and 22 send them and as their
tests, outside checks and truth checks read them. Learners read this file, they do not edit it.
"""

import json
import re

# One event: an `event:` line, a `data:` line, and the blank line that ends it.
EVENT = re.compile(rb"^event: (.*?)\r?\ndata: (.*?)\r?\n\r?\n", re.MULTILINE)


def event(name: str, data: dict) -> str:
    """One server-sent event: its name, its data as JSON, and the blank line that ends it."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def events_in(body: bytes) -> list[tuple[str, object]]:
    """Each whole event in `body` (a stream read so far): its name and its data as JSON (None
    when the data is not JSON)."""
    found = []
    for name, data in EVENT.findall(body):
        try:
            found.append((name.decode(errors="replace"), json.loads(data)))
        except ValueError:
            found.append((name.decode(errors="replace"), None))
    return found
