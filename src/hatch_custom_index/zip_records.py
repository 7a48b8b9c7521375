"""A zip's records read front to back, as a streaming reader sees them, checked against its central directory.

PyPI refuses a zip whose members a streaming reader and a central-directory reader would see differently
(Warehouse's `warehouse/utils/zipfiles.py`, documented at https://docs.pypi.org/archives): duplicate or unlisted
members, sizes that disagree, data descriptors, entry comments, unknown records, trailing data. The reasons below are
PyPI's own words, so the message matches what PyPI would answer.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"
END = b"PK\x05\x06"
END64 = b"PK\x06\x06"
END64_LOCATOR = b"PK\x06\x07"
ZIP64_EXTRA = 0x0001
UNICODE_PATH_EXTRA = 0x7075
UNIQUE_EXTRAS = frozenset({ZIP64_EXTRA, UNICODE_PATH_EXTRA})
UNPRINTABLE = frozenset({*range(0x20), 0x7F})
UNSET = 0xFFFFFFFF
DATA_DESCRIPTOR_FLAG = 0x08
END64_RECORD_SIZE = 44


class Malformed(Exception):  # noqa: N818 -- a reason, raised to end the walk
    """Why the records are not accepted (PyPI's words)."""


@dataclass
class _Walk:
    """What the walk has seen so far."""

    central_sizes: Mapping[str, tuple[int, int]]
    local_names: set[bytes]
    central_names: set[bytes]
    central_count: int = 0
    central_offset: int | None = None
    central_size: int = 0
    end64_at: int | None = None
    locator_seen: bool = False
    declared: tuple[int, int, int] | None = None  # (records, size, offset) from the end record


def framing_problem(stream: IO[bytes], central_sizes: Mapping[str, tuple[int, int]]) -> str | None:
    """Why PyPI would refuse this zip's framing, or None. `central_sizes` maps each central-directory name to its
    (compressed, uncompressed) size; the stream's position is restored."""
    start = stream.tell()
    try:
        stream.seek(0)
        walk = _Walk(central_sizes, set(), set())
        while True:
            signature = _read(stream, 4)
            if signature == END and walk.end64_at is not None and not walk.locator_seen:
                return "Malformed zip file"
            if signature == CENTRAL:
                _central_record(stream, walk)
            elif signature == LOCAL:
                name = _local_record(stream, walk.central_sizes)
                if name in walk.local_names:
                    return "Duplicate filename in local headers"
                walk.local_names.add(name)
            elif signature == END:
                _end_record(stream, walk)
                break
            elif signature == END64:
                walk.end64_at = stream.tell() - 4
                walk.declared = _end64_record(stream)
            elif signature == END64_LOCATOR:
                _read(stream, 16)
                walk.locator_seen = True
            else:
                return "Unknown record signature"
        here = stream.tell()
        if here != stream.seek(0, os.SEEK_END):
            return "Trailing data"
    except Malformed as e:
        return str(e)
    finally:
        stream.seek(start)
    return None


def _read(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        message = "Malformed zip file"
        raise Malformed(message)
    return data


def _check_name(name: bytes) -> None:
    if any(byte in UNPRINTABLE for byte in name):
        message = "Invalid character in filename"
        raise Malformed(message)


def _local_record(stream: IO[bytes], central_sizes: Mapping[str, tuple[int, int]]) -> bytes:
    flags, method, packed, size, name_length, extra_length = struct.unpack("<2xHH8xLLHH", _read(stream, 26))
    name = _read(stream, name_length)
    extra = _read(stream, extra_length)
    _check_name(name)
    packed, size = _local_extras(extra, method, packed, size)
    if flags & DATA_DESCRIPTOR_FLAG:
        message = "ZIP contains a data descriptor"
        raise Malformed(message)
    try:
        expected = central_sizes[name.decode("utf-8")]
    except UnicodeError:
        message = "Filename not unicode"
        raise Malformed(message) from None
    except KeyError:
        message = "Filename not in central directory"
        raise Malformed(message) from None
    if expected[0] != packed:
        message = "Mis-matched data size"
        raise Malformed(message)
    if expected[1] != size:
        message = "Mis-matched file size"
        raise Malformed(message)
    stream.seek(packed, os.SEEK_CUR)
    return name


def _local_extras(extra: bytes, method: int, packed: int, size: int) -> tuple[int, int]:
    """The local record's (compressed, uncompressed) sizes after its ZIP64 extra, checking the extras' framing."""
    seen: set[int] = set()
    while extra:
        if len(extra) < 4:  # noqa: PLR2004
            message = "Malformed zip file"
            raise Malformed(message)
        kind, length = struct.unpack("<HH", extra[:4])
        body = extra[4 : 4 + length]
        if len(body) != length:
            message = "Malformed zip file"
            raise Malformed(message)
        if kind in seen and kind in UNIQUE_EXTRAS:
            message = "Invalid duplicate extra in local file"
            raise Malformed(message)
        seen.add(kind)
        if kind == ZIP64_EXTRA:
            packed, size = _zip64_sizes(body, method, packed, size)
        elif kind == UNICODE_PATH_EXTRA:
            unicode_name = body[5:]
            _check_name(unicode_name)
            try:
                unicode_name.decode("utf-8")
            except UnicodeError:
                message = "Filename not valid UTF-8"
                raise Malformed(message) from None
        extra = extra[4 + length :]
    return packed, size


def _zip64_sizes(body: bytes, method: int, packed: int, size: int) -> tuple[int, int]:
    if len(body) not in {0, 8, 16, 24, 28}:
        message = "Malformed zip file"
        raise Malformed(message)
    if not body:
        if UNSET in {packed, size}:
            message = "Malformed zip file"
            raise Malformed(message)
        return packed, size
    if len(body) == 8:  # noqa: PLR2004 -- only the uncompressed size: the member must be stored
        if method != 0:
            message = "Malformed zip file"
            raise Malformed(message)
        (whole,) = struct.unpack("<Q", body)
        return whole, (whole if size == UNSET else size)
    uncompressed, compressed = struct.unpack("<QQ", body[:16])
    return compressed, (uncompressed if size == UNSET else size)


def _central_record(stream: IO[bytes], walk: _Walk) -> None:
    if walk.central_offset is None:
        walk.central_offset = stream.tell() - 4
    walk.central_count += 1
    name_length, extra_length, comment_length = struct.unpack("<24xHHH12x", _read(stream, 42))
    if comment_length:
        message = "Comment in central directory"
        raise Malformed(message)
    name = _read(stream, name_length)
    _read(stream, extra_length)
    _check_name(name)
    walk.central_size += 46 + name_length + extra_length
    if name in walk.central_names:
        message = "Duplicate filename in central directory"
        raise Malformed(message)
    if name not in walk.local_names:
        message = "Missing filename in local headers"
        raise Malformed(message)
    walk.central_names.add(name)


def _end_record(stream: IO[bytes], walk: _Walk) -> None:
    if walk.central_offset is None:  # an empty zip: the directory starts where the end record does
        walk.central_offset = stream.tell() - 4
    on_disk, records, size, offset, comment_length = struct.unpack("<4xHHLLH", _read(stream, 18))
    if on_disk != records:
        message = "Malformed zip file"
        raise Malformed(message)
    stream.seek(comment_length, os.SEEK_CUR)  # the archive's own comment is allowed
    declared = walk.declared if walk.locator_seen and walk.declared is not None else (records, size, offset)
    if declared[0] != walk.central_count:
        message = "Mismatched central directory records"
        raise Malformed(message)
    if declared[2] != walk.central_offset:
        message = "Mismatched central directory offset"
        raise Malformed(message)
    if declared[1] != walk.central_size:
        message = "Mismatched central directory size"
        raise Malformed(message)


def _end64_record(stream: IO[bytes]) -> tuple[int, int, int]:
    record_size, on_disk, records, size, offset = struct.unpack("<Q12xQQQQ", _read(stream, 52))
    if on_disk != records:
        message = "Malformed zip file"
        raise Malformed(message)
    if record_size != END64_RECORD_SIZE:
        message = "ZIP64 extensible data not allowed"
        raise Malformed(message)
    return records, size, offset
