"""The digests the upload form carries, sha256, blake2b-256 and md5, each computed on a thread of its own.

hashlib releases the GIL while it hashes, so with one thread per algorithm the digests of a chunk are computed beside
whatever else reads it, such as the upload that sends it. md5 is sent because Artifactory records no checksum without
it ("client did not publish a checksum", uv issue 10202); it is computed with `usedforsecurity=False`, and left out
where even that is refused (a FIPS build of OpenSSL that forbids md5 outright).
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from hatch_custom_index.artifacts import Artifact

CHUNK_SIZE = 256 * 1024  # what an upload reads and sends at a time
HASH_CHUNK_SIZE = 1024 * 1024  # what hashing alone reads at a time: fewer hand-overs of the GIL
SHA256 = "sha256_digest"
BLAKE2 = "blake2_256_digest"
MD5 = "md5_digest"
_DONE = b""
_HASHES: dict[str, Callable[[], Any]] = {  # form field -> a new hashlib object (update() and hexdigest())
    SHA256: hashlib.sha256,
    BLAKE2: partial(hashlib.blake2b, digest_size=32),
    MD5: partial(hashlib.md5, usedforsecurity=False),
}


def _available(field: str) -> bool:
    try:
        _HASHES[field]()
    except ValueError:  # md5 on a FIPS build that forbids it even outside security use
        return False
    return True


DIGEST_FIELDS = tuple(field for field in (SHA256, BLAKE2, MD5) if _available(field))
# Hex digits per digest, so the form's length is known before the digests are.
HEX_LENGTHS = {field: _HASHES[field]().digest_size * 2 for field in DIGEST_FIELDS}


def _new(field: str) -> Any:
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


class Sha256Prefetch:
    """Hashes the batch's files on one background thread while the index is asked what it holds; `finish(wanted)`
    then hashes the rest of `wanted` on every core and abandons the others, mid-file if need be. Unreadable files are
    left unhashed: the upload says what is wrong with them."""

    def __init__(self, artifacts: list[Artifact]) -> None:
        self._pending: queue.SimpleQueue[Artifact] = queue.SimpleQueue()
        for artifact in artifacts:
            self._pending.put(artifact)
        self._wanted: set[str] | None = None  # names; None: all
        self._threads = [self._start()]

    def _start(self) -> threading.Thread:
        thread = threading.Thread(target=self._work, name="sha256", daemon=True)
        thread.start()
        return thread

    def _is_wanted(self, artifact: Artifact) -> bool:
        return self._wanted is None or artifact.name in self._wanted

    def _is_unwanted(self, artifact: Artifact) -> bool:
        return not self._is_wanted(artifact)

    def _work(self) -> None:
        while True:
            try:
                artifact = self._pending.get_nowait()
            except queue.Empty:
                return
            if SHA256 in artifact.digests or not self._is_wanted(artifact):
                continue
            try:
                digest = file_sha256(artifact.path, partial(self._is_unwanted, artifact))
            except OSError:
                continue
            if digest is not None:
                artifact.record_digests({SHA256: digest})

    def finish(self, wanted: list[Artifact]) -> None:
        """Hash what is left of `wanted` with a thread per core, drop the rest, and wait: afterwards no digest is
        written behind the caller's back."""
        self._wanted = {artifact.name for artifact in wanted}
        helpers = min(len(wanted), self._pending.qsize(), (os.cpu_count() or 1) - 1)
        self._threads += [self._start() for _ in range(helpers)]
        for thread in self._threads:
            thread.join()
