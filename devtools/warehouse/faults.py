"""The faults the stand-in index makes on purpose: a kind each, queued in `state.faults` (one per upload) or
`state.get_faults` (one per read).

A kind is a `FaultKind` member, so a misspelt one is an AttributeError where the test names it, not a fault that
silently never happens.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class FaultKind(enum.Enum):
    """What goes wrong with one request. Uploads (POST) and reads (GET) each take the kinds marked for them."""

    NONE = "none"  # both: nothing; the request is answered as usual (a place kept in the queue)
    STATUS = "status"  # both: `status_code` with `headers`, nothing stored (made by `Fault.status`)
    STALL = "stall"  # both: silence for `seconds`, then the connection closed; nothing stored

    # Uploads: the transport.
    RESET = "reset"  # a TCP reset after the first 4 KiB of the body
    SLOW_READ = "slow-read"  # the body read over `seconds` (a slow network); `state.reading` is set when it starts
    STORE_THEN_DROP = "store-then-drop"  # the file stored, then a TCP reset before any answer
    DIE = "die"  # the index goes away: this upload cut off, every later connection refused
    # Uploads: answers that are not what they seem.
    NO_CONTENT = "no-content"  # 204, nothing stored
    ACCEPT_NO_STORE = "accept-no-store"  # 200, and the file is not kept (a broken index or proxy)
    LOGIN_REDIRECT = "login-redirect"  # 302 to an HTML login page
    SIGN_IN = "sign-in"  # a single-sign-on proxy's login page, with 200
    # Uploads: answers that repeat secrets or carry hostile text.
    ECHO_AUTH = "echo-auth"  # a 400 whose message repeats the decoded credentials
    ECHO_HEADER = "echo-header"  # a 400 that repeats the Authorization header, Basic credentials and all
    ECHO_AT_CUT = "echo-at-cut"  # the password where a message is cut short (at 500 characters)
    ECHO_ESCAPED = "echo-escaped"  # the password JSON-escaped and as HTML entities in the raw body
    ECHO_PROXY = "echo-proxy"  # a proxy that repeats its Proxy-Authorization, decoded too
    ESCAPES = "escapes"  # terminal escapes: cursor moves, a forged line, a clipboard write (OSC 52)
    FORGED_LINES = "forged-lines"  # line breaks that would start lines looking like the publisher's own

    # Reads: hostile answers.
    SLOW_HEAD = "slow-head"  # the status line and headers a byte every 0.1 s, for `seconds`
    ENDLESS = "endless"  # a project page that never ends (for `seconds`)
    TRICKLE = "trickle"  # a project page a byte every 0.2 s (for `seconds`)
    GZIP_BOMB = "gzip-bomb"  # 100 MiB of JSON in about 100 KiB of gzip


HOSTILE_PAGES = frozenset({FaultKind.ENDLESS, FaultKind.TRICKLE, FaultKind.GZIP_BOMB})


@dataclass
class Fault:
    """One fault: `Fault(FaultKind.RESET)`, `Fault(FaultKind.STALL, seconds=30)`, `Fault.status(429, retry_after=1)`."""

    kind: FaultKind
    seconds: float = 0
    status_code: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    Kind = FaultKind  # `Fault.Kind.RESET`, for a test that imports only `Fault`

    def __post_init__(self) -> None:
        if not isinstance(self.kind, FaultKind):
            message = f"a fault's kind is a FaultKind, not {self.kind!r}"
            raise TypeError(message)

    @classmethod
    def status(cls, code: int, retry_after: int | None = None) -> Fault:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return cls(FaultKind.STATUS, status_code=code, headers=headers)
