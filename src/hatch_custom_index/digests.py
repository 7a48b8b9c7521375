"""The digests the upload form carries: sha256 (and md5 where an index needs it), each computed on a thread of its own.

hashlib releases the GIL while it hashes, so with one thread per algorithm the digests of a chunk are computed beside
whatever else reads it, such as the upload that sends it. sha256 is the digest every index reads (Warehouse wants at
least one, and checks each it gets; GitLab and Gitea want sha256). blake2b-256, which twine and uv add, is not sent:
no index needs it (Warehouse computes its own), and on 2 cores it was a 300 MB upload's critical path (0.4 s of
1.1 s). md5 is sent only to Artifactory, which records no checksum without it ("client did not publish a checksum",
uv issue 10202), and where option `md5` asks for it. It is computed with `usedforsecurity=False`, and left out where
even that is refused (a FIPS build of OpenSSL that forbids md5 outright).
"""

from __future__ import annotations

import hashlib
import queue
import threading
from functools import partial
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from hatch_custom_index.urls import CLOUDSMITH_UPLOAD_HOST

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


CHUNK_SIZE = 256 * 1024  # what an upload reads and sends at a time
HASH_CHUNK_SIZE = 1024 * 1024  # what hashing alone reads at a time: fewer hand-overs of the GIL
SHA256 = "sha256_digest"
MD5 = "md5_digest"
_DONE = b""


class Hasher(Protocol):
    """What of a hashlib object is used."""

    @property
    def digest_size(self) -> int: ...

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


_HASHES: dict[str, Callable[[], Hasher]] = {  # form field -> a new hashlib object
    SHA256: hashlib.sha256,
    MD5: partial(hashlib.md5, usedforsecurity=False),
}


def _available(field: str) -> bool:
    try:
        _HASHES[field]()
    except ValueError:  # md5 on a FIPS build that forbids it even outside security use
        return False
    return True


DIGEST_FIELDS = tuple(field for field in (SHA256, MD5) if _available(field))  # every digest there can be
# Hex digits per digest, so the form's length is known before the digests are.
HEX_LENGTHS = {field: _HASHES[field]().digest_size * 2 for field in DIGEST_FIELDS}
ARTIFACTORY_HOST_SUFFIX = ".jfrog.io"  # JFrog's cloud: https://NAME.jfrog.io/artifactory/api/pypi/REPO
ARTIFACTORY_PYPI_PATH = "/api/pypi/"  # Artifactory's PyPI repositories, under /artifactory/ or at the root


class DigestSettings(Protocol):
    """What of a repository's settings decides its digests."""

    @property
    def md5(self) -> bool: ...

    @property
    def oidc_provider(self) -> str | None: ...


def upload_digests(url: str, settings: DigestSettings) -> tuple[str, ...]:
    """The digest fields an upload to `url` carries: sha256, and md5 for Artifactory (by its URL, or
    an OIDC provider set for JFrog's exchange: anywhere but Cloudsmith) or where option `md5` asks for it."""
    jfrog_exchange = settings.oidc_provider is not None and _host(url) != CLOUDSMITH_UPLOAD_HOST
    wanted = settings.md5 or jfrog_exchange or is_artifactory(url)
    return tuple(field for field in DIGEST_FIELDS if field != MD5 or wanted)


def is_artifactory(url: str) -> bool:
    """Whether an upload URL is JFrog Artifactory's: a host of JFrog's cloud, or the path of its PyPI repositories."""
    path = urlsplit(url).path
    return _host(url).endswith(ARTIFACTORY_HOST_SUFFIX) or ARTIFACTORY_PYPI_PATH in f"{path.rstrip('/')}/"


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _new(field: str) -> Hasher:
    return _HASHES[field]()


class Digester:
    """`update(chunk)` as the bytes go by, then `finish()` for `{field: hex digest}`. Memory stays a few chunks."""

    def __init__(self, fields: tuple[str, ...] = DIGEST_FIELDS) -> None:
        self._fields = fields
        self._queues: dict[str, queue.Queue[bytes]] = {field: queue.Queue(maxsize=1) for field in fields}
        self._digests: dict[str, str] = {}
        self._threads = [
            threading.Thread(target=self._hash, args=(field,), name=f"digest-{field}", daemon=True) for field in fields
        ]
        for thread in self._threads:
            thread.start()

    def _hash(self, field: str) -> None:
        hasher, chunks = _new(field), self._queues[field]
        while chunk := chunks.get():
            hasher.update(chunk)
        self._digests[field] = hasher.hexdigest()

    def update(self, chunk: bytes) -> None:
        if chunk:
            for chunks in self._queues.values():
                chunks.put(chunk)

    def finish(self) -> dict[str, str]:
        for chunks in self._queues.values():
            chunks.put(_DONE)
        for thread in self._threads:
            thread.join()
        return {field: self._digests[field] for field in self._fields}


def file_sha256(path: Path, abandon: Callable[[], bool] | None = None) -> str | None:
    """A file's sha256, read and hashed on the calling thread in large chunks (each chunk hashed outside the GIL, so
    several files hash on several cores); None when `abandon()` turns true before the end."""
    hasher = hashlib.sha256()
    buffer = bytearray(HASH_CHUNK_SIZE)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as stream:
        while count := stream.readinto(buffer):
            if abandon is not None and abandon():
                return None
            hasher.update(view[:count])
    return hasher.hexdigest()
