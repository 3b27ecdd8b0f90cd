"""No real network in exercise tests: a connection attempt fails at once.

Every upstream an exercise talks to is mocked with respx. A request that
escapes the mocks (a typo in a URL, a library that opens its own socket) must
fail immediately with a message, never wait on DNS or a remote host.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}


class RealNetworkError(ConnectionError):
    """Raised instead of reaching a non-local host."""


def find_refusal(error: BaseException | None) -> RealNetworkError | None:
    """The `RealNetworkError` behind `error`, which clients such as httpx wrap in their own."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:  # chains can loop back on themselves
        if isinstance(error, RealNetworkError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def _host_of(address: Any) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None  # unix sockets and the like stay allowed


def _refuse(host: str) -> RealNetworkError:
    return RealNetworkError(
        f"the code tried to reach {host} over the real network — exercise tests never do; "
        "use the URL the exercise gives, which the test serves with a fake upstream"
    )


def block_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make DNS look-ups and connections to non-local hosts fail at once."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and str(name) not in LOCAL_HOSTS:
            raise _refuse(str(name))
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        host = _host_of(address)
        if host is not None and host not in LOCAL_HOSTS:
            raise _refuse(host)
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        host = _host_of(address)
        if host is not None and host not in LOCAL_HOSTS:
            raise _refuse(host)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
