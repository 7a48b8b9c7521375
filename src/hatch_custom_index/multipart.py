"""The upload form as a streamed `multipart/form-data` body of known length.

The fields come first, then the file; the digest fields (those the index gets: `digests.upload_digests`) follow the file, so a file whose digests are not known yet is
hashed while it is sent (Warehouse, devpi-server and pypiserver read the whole form before using any field). Their
values have a fixed length, so the body's Content-Length is known before the first byte.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from hatch_custom_index.digests import CHUNK_SIZE, DIGEST_FIELDS, HEX_LENGTHS, Digester
from hatch_custom_index.discovery import identity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path


class UploadBody:
    """Iterate it for the bytes; the digests of `digest_fields` not given are computed on the way, and after a full
    pass `digests` holds them all (with any others given)."""

    def __init__(
        self,
        fields: list[tuple[str, str]],
        path: Path,
        filename: str,
        digests: Mapping[str, str] | None = None,
        on_chunk: Callable[[int], None] | None = None,
        checked: tuple[int, ...] = (),
        digest_fields: tuple[str, ...] = DIGEST_FIELDS,
    ) -> None:
        self.boundary = os.urandom(16).hex()
        self.on_chunk = on_chunk
        self.path = path
        self.digests = digests
        self.checked = checked  # the file's identity when its metadata was checked (see `identity`)
        self.digest_fields = tuple(field for field in digest_fields if field in HEX_LENGTHS)
        self._head = b"".join(self._part(name, value.encode()) for name, value in fields)
        self._head += self._part_header(
            "content", f'; filename="{_quote(filename)}"\r\nContent-Type: application/octet-stream'
        )
        self._size = path.stat().st_size
        trailer_digests = b"".join(self._part(name, b"0" * HEX_LENGTHS[name]) for name in self.digest_fields)
        self.length = len(self._head) + self._size + 2 + len(trailer_digests) + len(self._closing)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def _closing(self) -> bytes:
        return f"--{self.boundary}--\r\n".encode()

    def _part_header(self, name: str, extra: str = "") -> bytes:
        return f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"{extra}\r\n\r\n'.encode()

    def _part(self, name: str, value: bytes) -> bytes:
        return self._part_header(name) + value + b"\r\n"

    def __iter__(self) -> Iterator[bytes]:
        yield self._head
        known = dict(self.digests or {})
        missing = tuple(field for field in self.digest_fields if field not in known)
        digester = Digester(missing) if missing else None
        sent = 0
        try:
            with self.path.open("rb") as stream:
                while chunk := stream.read(CHUNK_SIZE):
                    sent += len(chunk)
                    if digester is not None:
                        digester.update(chunk)
                    yield chunk
                    if self.on_chunk is not None:
                        self.on_chunk(len(chunk))
        finally:
            digests = {**known, **(digester.finish() if digester is not None else {})}
        if sent != self._size:
            message = f"changed while it was being uploaded ({sent} bytes instead of {self._size})"
            raise OSError(message)
        if self.checked and identity(self.path) != self.checked:
            # Rewritten in place since it was checked (a build still running?): the form is cut off before its
            # digests, so the index never stores a file that is neither the old one nor the new one.
            message = (
                "changed since it was checked (rewritten while it was being uploaded?); build it again, then publish"
            )
            raise OSError(message)
        self.digests = digests
        trailer = b"".join(self._part(name, digests[name].encode()) for name in self.digest_fields)
        yield b"\r\n" + trailer + self._closing


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")
