"""Archive hygiene: what makes an archive unsafe to unpack (every index) or not accepted by PyPI."""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from hatch_custom_index.rules.subject import Authority, Finding, Subject

if TYPE_CHECKING:
    from collections.abc import Iterator

PYPI, STANDARDS = Authority.PYPI, Authority.STANDARDS
WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[/\\]")  # `C:/...`: absolute where the archive is unpacked on Windows
ARCHIVES_HELP = "See https://docs.pypi.org/archives for more information"
# Warehouse's `COMPRESSION_RATIO_MIN_SIZE` and `COMPRESSION_RATIO_THRESHOLD` (forklift/legacy.py).
RATIO_MIN_UNPACKED = 64 * 1024 * 1024
RATIO_LIMIT = 50
ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
# Warehouse's `MAX_FILESIZE` (warehouse/constants.py), the default a project's own limit may raise.
PYPI_FILE_SIZE_LIMIT = 100 * 1024 * 1024
UNPRINTABLE = frozenset({*map(chr, range(32)), chr(127)})


def file_name_characters(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `_validate_filename`."""
    if UNPRINTABLE & set(subject.filename):
        yield Finding(
            PYPI,
            "unprintable character in the file name",
            "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) "
            "in the name.",
        )
    if "\\" in subject.filename:
        yield Finding(PYPI, "backslash in the file name", "Cannot upload a file with '/' or '\\' in the name.")


def both_zip_and_tar(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `_is_valid_dist_file`: a file two readers would read as two different archives."""
    if subject.contents.also_the_other_kind:
        yield Finding(PYPI, "both a zip and a tar", "Invalid distribution file. File is both a zip and a tar file")


def compression_ratio(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `_is_valid_dist_file`: a zip unpacking to over 64 MiB and over 50 times its size is a bomb."""
    contents = subject.contents
    unpacked = sum(member.size for member in contents.members)
    if contents.kind == "zip" and unpacked > RATIO_MIN_UNPACKED and unpacked / contents.file_size > RATIO_LIMIT:
        yield Finding(
            PYPI,
            "compression ratio over 50",
            f"Invalid distribution file. File exceeds compression ratio of {RATIO_LIMIT} "
            f"({unpacked} bytes unpacked from {contents.file_size})",
        )


def compression_methods(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `_is_valid_dist_file`: zip members stored or deflated, nothing else."""
    odd = sorted({m.name for m in subject.contents.members if m.compression not in ZIP_METHODS})
    if subject.contents.kind == "zip" and odd:
        yield Finding(
            PYPI,
            "compression method other than deflate",
            f"Invalid distribution file. File does not use a supported compression type ({_some(odd)} use another "
            "than stored or deflated)",
        )


def zip_framing(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `zipfiles.validate_zipfile`, mirrored in `zip_records`."""
    if subject.contents.framing:
        yield Finding(
            PYPI,
            "zip framing",
            f"Invalid distribution file. ZIP archive not accepted: {subject.contents.framing}. {ARCHIVES_HELP}",
        )


def sparse_members(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `_is_valid_dist_file`: GNU sparse members are not valid in a PEP 625 sdist."""
    sparse = [m.name for m in subject.contents.members if m.sparse]
    if sparse:
        yield Finding(
            PYPI,
            "sparse tar member",
            f"Invalid distribution file. tar archive not accepted: Sparse members are not allowed ({_some(sparse)}). "
            f"{ARCHIVES_HELP}",
        )


def unsafe_members(subject: Subject) -> Iterator[Finding]:
    """The source distribution format's extraction rules (the `data` filter installers apply) and the wheel format's
    paths: no absolute paths, no `..`, no link leading outside the archive, no device or FIFO."""
    for member in subject.contents.members:
        problem = _unsafe(member.name, member.link, special=member.special)
        if problem:
            yield Finding(
                STANDARDS, "unsafe member", f"Member {member.name!r} {problem}; installers refuse to unpack it"
            )


def _unsafe(name: str, link: str | None, *, special: bool) -> str | None:
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("\\") or WINDOWS_DRIVE.match(name):
        return "has an absolute path"
    if ".." in path.parts:
        return "leads outside the archive (`..`)"
    if special:
        return "is a device, FIFO or other special file"
    if link is not None:  # a path in the archive: a symlink's target joined to its directory, a hard link's as is
        if PurePosixPath(link).is_absolute():
            return f"links to an absolute path ({link!r})"
        depth = 0
        for part in PurePosixPath(link).parts:
            depth += -1 if part == ".." else 1
            if depth < 0:
                return f"links outside the archive (to {link!r})"
    return None


def file_size(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `file_upload`: files up to 100 MB, unless the project's limit was raised (a warning: it may be)."""
    size = subject.contents.file_size
    if size > PYPI_FILE_SIZE_LIMIT:
        yield Finding(
            PYPI,
            "over 100 MB",
            f"The file is {size / 1024 / 1024:.0f} MB; PyPI takes up to {PYPI_FILE_SIZE_LIMIT // 1024 // 1024} MB "
            "unless the project's limit was raised (see https://docs.pypi.org/project-management/storage-limits/"
            "#requesting-a-file-size-limit-increase)",
            warning=True,
        )


def _some(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")  # noqa: PLR2004


RULES = (
    file_name_characters,
    both_zip_and_tar,
    compression_ratio,
    compression_methods,
    zip_framing,
    sparse_members,
    unsafe_members,
    file_size,
)
