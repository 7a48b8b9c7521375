"""Finding the files to publish: a directory's own wheels and sdists, explicit paths and glob patterns, never a FIFO;
and a found file's identity, to tell when it is rewritten."""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hatch_custom_index.errors import ArtifactError

if TYPE_CHECKING:
    from collections.abc import Iterable

SDIST_SUFFIXES = (".tar.gz", ".zip")
WHEEL_SUFFIX = ".whl"


@dataclass
class Found:
    """What `find_artifacts` saw beside the files it found: other files it passed over, and the directories below a
    directory it was given, which it does not look into (as Hatch, twine and uv do not)."""

    passed_over: list[Path] = field(default_factory=list)
    not_looked_into: list[Path] = field(default_factory=list)


def find_artifacts(paths: Iterable[str], root: Path, found: Found | None = None) -> list[Path]:
    """The publishable files among `paths` (files, directories or glob patterns, relative to `root`); `dist/` when
    none given. A directory means its own files, not those of the directories below it (`dist/deps/*.whl` that a
    build or `pip download` put there are not this project's release).

    Other files are passed over, and collected in `found` unless they are attestations or hidden files.
    """
    paths = list(paths)
    found = found if found is not None else Found()
    publishable: dict[Path, None] = {}
    for given in paths or ["dist"]:
        for path in _expand(root / Path(given), default=not paths):
            candidates = _directory(path, found) if path.is_dir() else [path]
            for candidate in candidates:
                if is_publishable(candidate.name):
                    publishable[candidate] = None
                elif not candidate.name.endswith(".attestation") and candidate.name[0] != ".":
                    found.passed_over.append(candidate)
    if not publishable:
        where = ", ".join(str(Path(p)) for p in paths) if paths else str(root / "dist")
        message = f"No wheels or source distributions found in {where}"
        raise ArtifactError(message)
    return list(publishable)


def _expand(path: Path, *, default: bool) -> list[Path]:
    """`path` itself when it exists; else the paths a glob pattern matches (`'dist/*.whl'`, quoted so that no shell
    expanded it); else an error. A FIFO, socket or device is not a file to publish."""
    if not path.exists() and glob.has_magic(str(path)):
        matches = sorted(Path(match) for match in glob.glob(str(path)))
        if matches:
            return matches
    if not path.exists():
        message = f"{path} does not exist" + (" (build first: `hatch build`)" if default else "")
        raise ArtifactError(message)
    if not path.is_dir():
        _require_regular(path)
    return [path]


def _directory(directory: Path, found: Found) -> list[Path]:
    """A directory's own regular files, by name; its subdirectories go to `found.not_looked_into`."""
    files = []
    with os.scandir(directory) as entries:
        for entry in sorted(entries, key=lambda entry: entry.name):
            path = Path(entry.path)
            if entry.is_dir():
                if entry.name[0] != ".":
                    found.not_looked_into.append(path)
            elif entry.is_file():
                files.append(path)
            elif is_publishable(entry.name):
                _require_regular(path)
    return files


def _require_regular(path: Path) -> None:
    """A publishable path must be a regular file (reading a FIFO would wait forever)."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        message = f"{path} is not a regular file ({kind}): give the wheel or source distribution itself"
        raise ArtifactError(message)


def is_publishable(filename: str) -> bool:
    return filename.endswith((WHEEL_SUFFIX, *SDIST_SUFFIXES))


def identity(path: Path) -> tuple[int, ...]:
    """What changes when a file is rewritten: its device, inode, size and modification time."""
    stat = os.stat(path)
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
