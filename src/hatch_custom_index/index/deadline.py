"""A deadline for a whole request, beside httpx2's per-read timeouts: an index (or a proxy) that trickles its answer's
head a byte at a time never resets a per-read timeout, and would hold a publish for days.

Every socket operation of the client's connection pools goes through `DeadlineBackend`, which caps its timeout at the
time left before the current thread's deadline (`deadline(seconds)` sets it around one request; each request runs on
one thread). Past the deadline, an operation fails as a read or write timeout that says so.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpcore2

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterable, Iterator

    import httpx2

PASSED = "the request's whole deadline passed"
_local = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket operation of this thread's request must end within `seconds` from now."""
    _local.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.at = None


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    at: float | None = getattr(_local, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error(PASSED)
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore2.NetworkStream):
    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return self._inner.read(max_bytes, _left(timeout, httpcore2.ReadTimeout))
        except httpcore2.ReadTimeout:
            _left(None, httpcore2.ReadTimeout)  # the deadline, not the read's own timeout: say which
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            self._inner.write(buffer, _left(timeout, httpcore2.WriteTimeout))
        except httpcore2.WriteTimeout:
            _left(None, httpcore2.WriteTimeout)
            raise

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout, httpcore2.ConnectTimeout)))

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.NetworkStream:
        timeout = _left(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None
    ) -> httpcore2.NetworkStream:
        timeout = _left(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(client: httpx2.Client) -> bool:
    """Route every pool of `client` (direct and through proxies) through DeadlineBackend; False when this httpx2
    keeps its pools elsewhere (then only the per-read timeouts bound a request).

    Private attributes, as httpx2 has no public way to it: its `HTTPTransport` takes no `network_backend` (httpcore2's
    pools do), and a client given transports of its own no longer reads the environment's proxies (HTTP(S)_PROXY,
    ALL_PROXY, NO_PROXY: httpx2 reads them with a private function), so the pools the client builds are reached
    through `Client._transport`, `Client._mounts`, `HTTPTransport._pool` and the pool's `_network_backend`."""
    transports = [client._transport, *client._mounts.values()]  # noqa: SLF001
    pools: list[httpcore2.ConnectionPool] = []  # HTTPProxy and SOCKSProxy are ConnectionPools too
    for transport in transports:
        if transport is None:
            continue
        pool: object = getattr(transport, "_pool", None)
        if not isinstance(pool, httpcore2.ConnectionPool):
            return False
        if not isinstance(getattr(pool, "_network_backend", None), httpcore2.NetworkBackend):
            return False
        pools.append(pool)
    for pool in pools:
        pool._network_backend = DeadlineBackend(pool._network_backend)  # noqa: SLF001
    return bool(pools)
