"""The small shared values: what happened to a file (`Status`, `Outcome`), the credentials of a request, and a
short-lived token (`MintedToken`, or `NotMinted` saying why not)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.errors import Secret

REMINT_MARGIN = 60.0  # seconds before a minted token expires when a fresh one is minted


class Status(str, Enum):
    """What happened to one file; the value is what the output and the JSON report say."""

    UPLOADED = "success"
    EXISTS = "already exists"
    FAILED = "failed"
    REFUSED = "refused"  # stopped by the plan: a different file of that name on the index, or skip-existing off
    INTERRUPTED = "interrupted"  # cut off by Ctrl-C: it may or may not be on the index
    NOT_ATTEMPTED = "not attempted"
    UNCONFIRMED = "not listed"  # accepted, yet the index's simple page does not list it (option `confirm`)
    ACCEPTED = "accepted, not confirmed"  # accepted, and the index could not be asked whether it lists it
    WOULD_UPLOAD = "would upload"  # a dry run's plan

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def on_index(self) -> bool:
        """The file is on the index afterwards, uploaded now or already there."""
        return self in {Status.UPLOADED, Status.EXISTS}

    @property
    def sent(self) -> bool:
        """The index accepted the file in this run (it may be there, whether or not that was confirmed)."""
        return self in {Status.UPLOADED, Status.ACCEPTED}


@dataclass(frozen=True)
class Outcome:
    artifact: Artifact
    status: Status
    error: str | None = None
    seconds: float = 0.0
    refused: int = 0  # the HTTP status with which the index refused the file, if it did


@dataclass(frozen=True)
class Credentials:
    """A username and password for HTTP Basic auth; the password stays a Secret until the request needs it."""

    username: str
    password: Secret


@dataclass(frozen=True)
class MintedToken:
    """A short-lived upload token: trusted publishing's, or a cloud registry's from its SDK."""

    token: Secret
    expires: float  # Unix time
    provider: str
    username: str = "__token__"  # the user the token uploads as

    def expiring(self) -> bool:
        """Within a minute of its expiry: time to mint a fresh one before it lapses mid-upload."""
        return time.time() > self.expires - REMINT_MARGIN


@dataclass(frozen=True)
class NotMinted:
    """A token was tried for (trusted publishing in `auto` mode, a cloud SDK), and none can be had here: why."""

    reason: str


@dataclass(frozen=True)
class Decision:
    """Whether to try for a token, and if not, why (for the "no password" error)."""

    wanted: bool
    reason: str = ""


@dataclass(frozen=True)
class Listed:
    """A project's page, read: its files by name, with their sha256 (None where the index gives none)."""

    files: dict[str, str | None]


@dataclass(frozen=True)
class NoPage:
    """The project's page answered 404: no file of it yet, or no simple API where it was looked for."""


@dataclass(frozen=True)
class Unreadable:
    """The project's page could not be read: why; whether the index refused to show it (401, 403), and whether it
    refused the very credentials it asked for (401)."""

    reason: str
    forbidden: bool = False
    credentials_refused: bool = False


Holdings = Listed | NoPage | Unreadable  # what the index was seen to hold of one project
