"""The user-facing errors (one base, a type per kind of failure), and the redaction of secrets from anything shown."""

from __future__ import annotations

import base64
import functools
import html.entities
import re
import threading
import traceback
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Callable

REDACTED = "********"

# PyPI API tokens are "pypi-" followed by a base64url macaroon; scrub anything shaped like one.
_PYPI_TOKEN = re.compile(r"pypi-[A-Za-z0-9_\-]{16,}")


class PublishError(Exception):
    """A failure the user can act on; its message says what, where, and what to do."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class ConfigurationError(PublishError):
    """A setting, flag, config table, or a file one of them names, is wrong; nothing was sent."""


class ArtifactError(PublishError):
    """A file of the batch, or the batch as a whole, cannot be published."""


class IndexUnreachableError(PublishError):
    """No answer from the index: refused or dropped connection, certificate failure, or silence past `timeout`."""


class IndexRefusedError(PublishError):
    """The index answered with a refusal; `status` is the HTTP status (0 when the answer was not an HTTP error)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class DifferentFileError(IndexRefusedError):
    """The index holds a different file under the name of one being uploaded."""


class NoCredentialsError(PublishError):
    """No password or token was found, or given at the prompt."""


class TrustedPublishingError(PublishError):
    """The CI's identity token could not be had or was not exchanged for an upload token."""


class ReusedIdentityTokenError(TrustedPublishingError):
    """The index had already minted a token for this identity token: fetch a fresh one."""


class Secret:
    """A credential whose `str` and `repr` never show the value; `reveal()` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return REDACTED

    def __repr__(self) -> str:
        return f"Secret({REDACTED})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def redact_url(url: str) -> str:
    """Return `url` without any `user:password@` part."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def scrub(text: str, secrets: tuple[Secret | str | None, ...] = ()) -> str:
    """Remove the given secrets in every form they travel in (as they are, URL-encoded, JSON `\\u`-escaped,
    HTML-entity-escaped, each character in any of these forms, and inside base64 such as an HTTP Basic header's
    `user:password`), the `user:password@` of any URL, and anything shaped like a PyPI token, from `text`. Scrub
    before cutting a text short: a secret that a cut would split is then already gone."""
    values = [value for value in (s.reveal() if isinstance(s, Secret) else s for s in secrets) if value]
    if values:
        encoded = [value.encode() for value in values]
        text = _BASE64_RUN.sub(lambda run: REDACTED if _holds(run.group(), encoded) else run.group(), text)
        for value in sorted(values, key=len, reverse=True):
            text = _forms_of(value).sub(REDACTED, text)
    text = _URL_USERINFO.sub(r"\1", text)
    return _PYPI_TOKEN.sub(REDACTED, text)


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_URL_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\s]+@")


@functools.lru_cache(maxsize=64)
def _forms_of(secret: str) -> re.Pattern[str]:
    """A pattern matching `secret` with each character in any form it may travel in."""
    return re.compile("".join(f"(?:{'|'.join(_char_forms(char))})" for char in secret))


def _char_forms(char: str) -> list[str]:
    """A character as itself, percent-encoded (`+` for a space, as forms encode it), JSON-escaped (`\\u0073`, and
    `\\"`-style), and as an HTML entity (decimal, hexadecimal, named); hex digits in any case."""
    code = ord(char)
    forms = [re.escape(char), "%" + "%".join(f"(?i:{byte:02x})" for byte in char.encode())]
    if code <= 0xFFFF:  # noqa: PLR2004 -- beyond it JSON writes a surrogate pair
        forms.append(rf"\\u(?i:{code:04x})")
    forms += [rf"&#0*{code};", rf"&#[xX]0*(?i:{code:x});"]
    if char in '"\\/':
        forms.append(r"\\" + re.escape(char))
    if char == " ":
        forms.append(r"\+")
    name = html.entities.codepoint2name.get(code)
    if name:
        forms.append(f"&{name};")
    return forms


def _holds(run: str, secrets: list[bytes]) -> bool:
    """Whether the base64 (or base64url) `run` decodes to bytes that contain one of `secrets`."""
    padded = run + "=" * (-len(run) % 4)
    try:
        decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except ValueError:
        return False
    return any(secret in decoded for secret in secrets)


def describe_unexpected(error: BaseException, redact: Callable[[str], str], debug: Callable[[str], None]) -> str:
    """`ValueError: what it said`, without secrets, for an exception nobody expected; its traceback goes to `debug`
    (-v) as text: never as an exception that would carry the run's arguments into a traceback of local variables."""
    debug(redact("".join(traceback.format_exception(error)).rstrip()))
    detail = redact(str(error))
    return type(error).__name__ + (f": {detail}" if detail else "")


def reason(error: BaseException) -> str:
    """The shortest honest words for an exception: an OSError's `strerror`, else its text, else its type."""
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


class Redactor:
    """The secrets of one run, and their removal from any text shown: the one place they are collected (the credential
    chain adds what it resolves, trusted publishing what it mints). Thread-safe."""

    def __init__(self) -> None:
        self._secrets: list[Secret] = []
        self._lock = threading.Lock()

    def add(self, secret: Secret) -> None:
        with self._lock:
            if secret not in self._secrets:
                self._secrets.append(secret)

    def __call__(self, text: str) -> str:
        """`text` without any secret of this run, or anything shaped like a PyPI token."""
        with self._lock:
            secrets = tuple(self._secrets)
        return scrub(text, secrets)
