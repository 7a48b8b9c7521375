"""An archive's table of contents and the few members the checks read, gathered in one pass over the file."""

from __future__ import annotations

import os
import posixpath
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import IO, TYPE_CHECKING

from hatch_custom_index.errors import ArtifactError, reason
from hatch_custom_index.zip_records import framing_problem

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

MAX_TEXT_BYTES = 16 * 1024 * 1024  # a metadata member larger than this is not metadata
# The members read whole for the checks: at depth two, with these names (`X.dist-info/RECORD`, `pkg-1.0/PKG-INFO`).
TEXT_MEMBERS = frozenset({"METADATA", "WHEEL", "RECORD", "entry_points.txt", "PKG-INFO"})
# Warehouse's content scan (warehouse/utils/scanner.py): these suffixes, members up to 5 MiB.
SCANNED_SUFFIXES = frozenset({".py", ".pye"})
SCAN_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Member:
    """One entry of an archive, as its own table of contents describes it."""

    name: str
    size: int  # uncompressed
    link: str | None = None  # a tar link's target
    special: bool = False  # a tar device, FIFO or other special file
    compression: int = zipfile.ZIP_STORED  # zip only
    sparse: bool = False  # tar only


@dataclass(frozen=True)
class Contents:
    """What the checks need from an archive: its members, the small texts among them, and what reading it found."""

    kind: str  # "zip" or "tar"
    file_size: int
    members: tuple[Member, ...]
    texts: Mapping[str, bytes] = field(default_factory=dict)  # member name -> content, for TEXT_MEMBERS
    flagged: tuple[tuple[str, str], ...] = ()  # (member, the policy it breaks) from the content scan
    framing: str | None = None  # why a zip's local records and central directory disagree, when they do
    also_the_other_kind: bool = False  # a zip that is also a tar, or the other way round

    def names(self) -> frozenset[str]:
        return frozenset(member.name for member in self.members)


def read_contents(path: Path, kind: str, scan: Callable[[str, bytes], str | None]) -> Contents:
    """Read `path` as a zip (`kind` "zip") or gzip-compressed tar: every member listed, the text members read with a
    bound, the scanned members passed to `scan` (which names a policy they break). An unreadable archive is an
    ArtifactError naming the file."""
    try:
        if kind == "zip":
            contents = _read_zip(path, scan)
            other = tarfile.is_tarfile(path)
        else:
            contents = _read_tar(path, scan)
            other = zipfile.is_zipfile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, NotImplementedError, RuntimeError) as e:
        raise ArtifactError(_unreadable(path, kind, e)) from None
    except (OSError, EOFError, ValueError, zlib.error) as e:
        raise ArtifactError(_unreadable(path, kind, e)) from None
    if other:
        return Contents(**{**vars(contents), "also_the_other_kind": True})
    return contents


def _unreadable(path: Path, kind: str, error: BaseException) -> str:
    what = "a zip archive" if kind == "zip" else "a gzip-compressed tar archive"
    role = "wheel" if path.name.endswith(".whl") else "source distribution"
    return f"{path}: not a readable {role} ({what}): {reason(error)}"


def _is_text(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and parts[1] in TEXT_MEMBERS  # noqa: PLR2004


def _is_scanned(name: str, size: int) -> bool:
    return PurePosixPath(name).suffix.lower() in SCANNED_SUFFIXES and size <= SCAN_MAX_BYTES


def _bounded(stream: IO[bytes], path: Path, member: str) -> bytes:
    data = stream.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        message = f"{path}: `{member}` is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MiB; that is not metadata"
        raise ArtifactError(message)
    return data


def _read_zip(path: Path, scan: Callable[[str, bytes], str | None]) -> Contents:
    texts: dict[str, bytes] = {}
    flagged: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        members = tuple(Member(info.filename, info.file_size, compression=info.compress_type) for info in infos)
        for info in infos:
            if info.is_dir():
                continue
            if _is_text(info.filename) and info.filename not in texts:
                with archive.open(info) as stream:
                    texts[info.filename] = _bounded(stream, path, info.filename)
            elif _is_scanned(info.filename, info.file_size):
                policy = scan(info.filename, archive.read(info))
                if policy:
                    flagged.append((info.filename, policy))
        central = {info.orig_filename: (info.compress_size, info.file_size) for info in infos}
        assert archive.fp is not None  # noqa: S101 -- open for reading
        framing = framing_problem(archive.fp, central)
    return Contents("zip", os.stat(path).st_size, members, MappingProxyType(texts), tuple(flagged), framing)


def _link_target(entry: tarfile.TarInfo) -> str | None:
    """A link's target as a path in the archive: a hard link's is one already, a symlink's is relative to it."""
    if entry.islnk():
        return entry.linkname
    if entry.issym():
        return posixpath.join(posixpath.dirname(entry.name), entry.linkname)
    return None


def _read_tar(path: Path, scan: Callable[[str, bytes], str | None]) -> Contents:
    """Read to the end: an archive cut off after the members wanted is still broken."""
    texts: dict[str, bytes] = {}
    flagged: list[tuple[str, str]] = []
    members: list[Member] = []
    with tarfile.open(path, mode="r:gz") as archive:
        for entry in archive:
            members.append(
                Member(
                    entry.name,
                    entry.size,
                    link=_link_target(entry),
                    special=not (entry.isfile() or entry.isdir() or entry.issym() or entry.islnk()),
                    sparse=entry.issparse(),
                )
            )
            if not entry.isfile():
                continue
            wanted_text = _is_text(entry.name) and entry.name not in texts
            if not (wanted_text or _is_scanned(entry.name, entry.size)):
                continue
            stream = archive.extractfile(entry)
            if stream is None:  # pragma: no cover -- a regular file always has a stream
                continue
            if wanted_text:
                texts[entry.name] = _bounded(stream, path, entry.name)
            else:
                policy = scan(entry.name, stream.read())
                if policy:
                    flagged.append((entry.name, policy))
    return Contents("tar", os.stat(path).st_size, tuple(members), MappingProxyType(texts), tuple(flagged))
