"""What the course's API helpers share: one TLS context for all their httpx clients.

Each `httpx.AsyncClient()` otherwise builds its own, reading and parsing the
CA bundle: tens of milliseconds of CPU, on the event loop, for every client
(encode/httpx#2298, #3627), so that a page asking the price API 50 times
would hold the loop for a second. A context made once, at import, and handed
to each client as `verify=` (httpx's SSL guide) is built once.
"""

import ssl

import certifi

TLS = ssl.create_default_context(cafile=certifi.where())
