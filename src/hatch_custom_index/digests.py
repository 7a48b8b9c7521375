"""The digests the upload form carries, sha256 and blake2b-256, each computed on a thread of its own.

hashlib releases the GIL while it hashes, so with one thread per algorithm the digests of a chunk are computed beside
whatever else reads it, such as the upload that sends it. md5 is not sent: Warehouse needs one digest, twine and uv
send these two, and md5 is unavailable on FIPS systems.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from hatch_custom_index.artifacts import Artifact

CHUNK_SIZE = 256 * 1024
SHA256 = "sha256_digest"
DIGEST_FIELDS = (SHA256, "blake2_256_digest")
HEX_LENGTH = 64  # both are 256-bit digests: 64 hex characters, so a form's length is known before they are
_DONE = b""


def _new(field: str) -> hashlib._Hash:
    return hashlib.sha256() if field == SHA256 else hashlib.blake2b(digest_size=32)


class Digester:
    """`update(chunk)` as the bytes go by, then `finish()` for `{field: hex digest}`. Memory stays a few chunks."""

    def __init__(self, fields: tuple[str, ...] = DIGEST_FIELDS) -> None:
        self._fields = fields
        self._queues: dict[str, queue.Queue[bytes]] = {field: queue.Queue(maxsize=2) for field in fields}
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


def file_digests(
    path: Path, fields: tuple[str, ...] = DIGEST_FIELDS, stop: threading.Event | None = None
) -> dict[str, str] | None:
    """Read a file once, the digests computed at the same time; None when `stop` is set before the end."""
    digester = Digester(fields)
    stopped = False
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_SIZE):
                if stop is not None and stop.is_set():
                    stopped = True
                    break
                digester.update(chunk)
    finally:
        digests = digester.finish()
    return None if stopped else digests


class DigestPrefetch:
    """Computes sha256s one file after another in the background while the index is asked what it holds, so the files
    it already lists are (often) compared at once. `stop()` ends it, mid-file if need be."""

    def __init__(self, artifacts: list[Artifact]) -> None:
        self._artifacts = artifacts
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="digest-prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for artifact in self._artifacts:
            if self._stop.is_set():
                return
            try:
                digests = file_digests(artifact.path, (SHA256,), self._stop)
            except OSError:  # the upload will say what is wrong with the file
                continue
            if digests is not None:
                artifact.digests = {**digests, **artifact.digests}

    def stop(self) -> None:
        """Stop and wait: afterwards no digest is written behind the caller's back."""
        self._stop.set()
        self._thread.join()
