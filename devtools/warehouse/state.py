"""What the stand-in index holds and is told: uploads and files, the token it takes, how it answers, faults to make."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devtools.warehouse.faults import Fault


@dataclass
class Upload:
    """One upload as the server read it: every form field (repeated ones as lists) and the file."""

    fields: dict[str, list[str]]
    filename: str
    content: bytes
    username: str

    def field(self, name: str) -> str:
        (value,) = self.fields[name]
        return value


@dataclass
class TrustedPublisher:
    """PyPI's trusted-publisher configuration for a project: the audience, the claims a token must carry, and how long
    a minted token lives."""

    audience: str = "loopback-index"  # a private index's own; PyPI's "pypi" is asked for only at upload.pypi.org
    claims: dict[str, str] = field(default_factory=lambda: {"repository": "octo-org/octo-project"})
    lifetime: float = 900
    minted_as: str | None = None  # the token to mint instead of a fresh one (a broken or hostile token service)
    # JFrog's OIDC integration (the Artifactory way): its provider name, and the user its tokens upload as.
    jfrog_provider: str = "github-oidc"
    jfrog_user: str = "ci-publisher"
    # Cloudsmith's OpenID Connect: the organisation, and the service account the workflow publishes as.
    cloudsmith_owner: str = "corp"
    cloudsmith_service: str = "publisher-bot"


@dataclass
class Warehouse:
    """The server's state: accepted uploads, files by name, the token it accepts, faults to make, requests seen."""

    token: str
    username: str = "__token__"  # the username uploads must carry (a cloud registry's, say: `aws`)
    upload_path: str = "/legacy/"  # where uploads are taken (Cloudsmith's is `/OWNER/REPO/`)
    simple_path: str = "/simple/"  # where the simple API is served (Azure's `/ORG/_packaging/FEED/pypi/simple/`)
    accepted_status: int = 200  # what answers a stored upload (Pulp: 202, with a task)
    store_after: float = 0.0  # seconds before an accepted file is listed (Pulp stores it when a worker gets to it)
    simple_redirect: str | None = None  # an origin every simple page is redirected to (a CDN, a mirror)
    listed_at: dict[str, float] = field(default_factory=dict)  # file name -> when the simple API lists it
    authorized_reads: list[str] = field(default_factory=list)  # the paths of GETs that carried credentials
    trusted_publisher: TrustedPublisher | None = None  # None: the index serves no trusted publishing
    oidc_disabled_status: int = 404  # what the OIDC endpoints answer then (PyPI: 403 when an admin turned it off)
    private_reads: bool = False  # the simple API wants credentials too, as a private index's does
    minted: dict[str, float] = field(default_factory=dict)  # minted token -> expiry
    used_jtis: set[str] = field(default_factory=set)
    uploads: list[Upload] = field(default_factory=list)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # project -> file name -> bytes
    faults: list[Fault] = field(default_factory=list)
    get_faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str, float]] = field(default_factory=list)  # (method, host + path, time)
    delay: float = 0.0  # seconds each upload takes to be answered, as PyPI's checks do
    in_flight: int = 0
    max_in_flight: int = 0  # the most uploads it was receiving at once
    lock: threading.Lock = field(default_factory=threading.Lock)
    reading: threading.Event = field(default_factory=threading.Event)  # a slow-read upload has begun

    def next_fault(self, method: str) -> Fault | None:
        queue = self.faults if method == "POST" else self.get_faults
        with self.lock:
            return queue.pop(0) if queue else None
