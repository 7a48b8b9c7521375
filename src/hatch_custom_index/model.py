"""The small shared values: what happened to a file (`Status`, `Outcome`) and the credentials of a request."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.errors import Secret


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
