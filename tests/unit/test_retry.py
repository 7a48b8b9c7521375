"""The one retry policy: backoff, Retry-After (seconds or a date), what is final; no test waits for real."""

from __future__ import annotations

import datetime
import ssl

import httpx2
import pytest

from hatch_custom_index.index.deadline import DeadlineBackend, install
from hatch_custom_index.index.retry import RETRY_AFTER_CAP, RetryPolicy, is_tls_failure, is_transient

NOW = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)


def policy(jitter: float = 1.0) -> RetryPolicy:
    return RetryPolicy(3, sleep=lambda _seconds: None, jitter=lambda: jitter, now=lambda: NOW)


def answer(retry_after: str | None = None) -> httpx2.Response:
    return httpx2.Response(503, headers={"Retry-After": retry_after} if retry_after is not None else {})


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    assert [policy().delay(attempt) for attempt in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert policy(jitter=1.25).delay(0) == 0.625
    assert policy().delay(20) == 30.0


def test_retry_after_in_seconds_or_as_a_date_waits_longer_when_asked() -> None:
    assert policy().delay(0, answer("7")) == 7.0
    assert policy().delay(0, answer("Wed, 25 Nov 2026 12:00:09 GMT")) == 9.0
    assert policy().delay(0, answer("Wed, 25 Nov 2026 11:00:00 GMT")) == 0.5  # in the past: the backoff
    assert policy().delay(0, answer("soon")) == 0.5
    assert policy().delay(0, answer("86400")) == RETRY_AFTER_CAP


def test_which_answers_are_worth_another_try() -> None:
    assert [status for status in (200, 400, 403, 404, 408, 409, 429, 500, 502, 503) if is_transient(status)] == [
        408,
        429,
        500,
        502,
        503,
    ]


def test_what_each_transport_failure_means() -> None:
    request = httpx2.Request("POST", "https://pkgs.example/upload/")
    timeout = policy().failure(httpx2.ReadTimeout("slow", request=request), "silent")
    refused = policy().failure(httpx2.ConnectError("refused", request=request), "refused")
    dropped = policy().failure(httpx2.RemoteProtocolError("dropped", request=request), "dropped")
    untrusted = httpx2.ConnectError("handshake", request=request)
    untrusted.__cause__ = ssl.SSLCertVerificationError("certificate verify failed")

    assert (timeout.reached, timeout.final) == (True, True)  # may have landed; waiting again would double the wait
    assert (refused.reached, refused.final) == (False, False)
    assert (dropped.reached, dropped.final) == (True, False)
    assert is_tls_failure(untrusted)
    assert policy().failure(untrusted, "untrusted").final


@pytest.mark.parametrize("value", ["", None])
def test_no_retry_after_is_no_wait(value: str | None) -> None:
    assert policy().retry_after(value) == 0.0


def test_every_pool_of_the_client_gets_the_whole_request_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    # If this fails, httpx2 keeps its connection pools elsewhere now: requests keep only their per-read timeouts.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = httpx2.Client()
    assert install(client)
    transports = [client._transport, *client._mounts.values()]  # noqa: SLF001
    assert all(isinstance(t._pool._network_backend, DeadlineBackend) for t in transports if t)  # noqa: SLF001
