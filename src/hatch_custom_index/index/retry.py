"""One retry policy for every request to the index: which failures are tried again, and how long to wait first.

A refused or dropped connection, 408, 429 and 5xx are tried again, up to `retries` times, with exponential backoff
and jitter, longer when the server's Retry-After asks (up to two minutes). A certificate failure or a silence past
`timeout` is final: trying again cannot help, or would only multiply the wait. Sleeping, the jitter and the clock
are injected, so tests never wait for real.
"""

from __future__ import annotations

import datetime
import random
import ssl
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import httpx2

if TYPE_CHECKING:
    from collections.abc import Callable

BACKOFF_BASE = 0.5  # seconds before the first retry; doubled for each next one
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 120.0  # the longest wait for a server that asks for one


def _jitter() -> float:
    return random.uniform(1.0, 1.25)  # noqa: S311 -- spreading retries, not cryptography


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


@dataclass(frozen=True)
class Failure:
    """A request that did not get a final answer: what to say, and what may have happened."""

    message: str
    reached: bool  # the request may have reached the index (an upload may have landed)
    final: bool  # trying again cannot help
    response: httpx2.Response | None = None


@dataclass(frozen=True)
class RetryPolicy:
    retries: int
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = _jitter
    now: Callable[[], datetime.datetime] = field(default=_now)

    def failure(self, error: httpx2.HTTPError, message: str) -> Failure:
        """A transport error as a Failure: a timeout may have reached the index and is final; a refused connection
        reached nothing; a certificate failure is final."""
        if isinstance(error, httpx2.TimeoutException):
            return Failure(message, reached=True, final=True)
        return Failure(message, reached=not isinstance(error, httpx2.ConnectError), final=is_tls_failure(error))

    def delay(self, attempt: int, response: httpx2.Response | None = None) -> float:
        """Exponential backoff with jitter, or the server's Retry-After when it asks for longer, capped."""
        delay: float = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt) * self.jitter()
        if response is not None:
            delay = max(delay, self.retry_after(response.headers.get("Retry-After")))
        return min(delay, RETRY_AFTER_CAP)

    def retry_after(self, value: str | None) -> float:
        """Seconds from a Retry-After header (delta-seconds or an HTTP date); 0 when absent or unreadable."""
        if not value:
            return 0.0
        if value.strip().isdigit():
            return float(value.strip())
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return 0.0
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        return max(0.0, (when - self.now()).total_seconds())


def is_transient(status: int) -> bool:
    """Worth another try: 408 Request Timeout, 429 Too Many Requests, and server errors."""
    return status in {408, 429} or 500 <= status < 600  # noqa: PLR2004


def is_tls_failure(error: BaseException) -> bool:
    """A certificate or handshake failure: trying again cannot help."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in str(seen) or "CERTIFICATE" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
