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

CHUNK_SIZE = 256 * 1024
DIGEST_FIELDS = ("sha256_digest", "blake2_256_digest")
HEX_LENGTH = 64  # both are 256-bit digests: 64 hex characters, so a form's length is known before they are
_DONE = b""


def _new(field: str) -> hashlib._Hash:
    return hashlib.sha256() if field == "sha256_digest" else hashlib.blake2b(digest_size=32)


class Digester:
    """`update(chunk)` as the bytes go by, then `finish()` for `{field: hex digest}`. Memory stays a few chunks."""

    def __init__(self) -> None:
        self._queues: dict[str, queue.Queue[bytes]] = {field: queue.Queue(maxsize=2) for field in DIGEST_FIELDS}
        self._digests: dict[str, str] = {}
        self._threads = [
            threading.Thread(target=self._hash, args=(field,), name=f"digest-{field}", daemon=True)
            for field in DIGEST_FIELDS
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
        return {field: self._digests[field] for field in DIGEST_FIELDS}


def file_digests(path: Path) -> dict[str, str]:
    """Read a file once; both digests computed at the same time."""
    digester = Digester()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_SIZE):
                digester.update(chunk)
    finally:
        digests = digester.finish()
    return digests
