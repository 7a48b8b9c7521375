"""Real wheels and sdists built in-process with hatchling, and hand-made archives for the broken cases."""

from __future__ import annotations

import io
import tarfile
import zipfile
from typing import TYPE_CHECKING

from devtools.projects import build as build_project
from devtools.projects import make_project

if TYPE_CHECKING:
    from pathlib import Path


def build(root: Path, out: Path, name: str = "demo-pkg", version: str = "1.2.0") -> tuple[Path, Path]:
    """Build a wheel and an sdist of a tiny project into `out`; returns (wheel, sdist)."""
    make_project(root, name, version)
    wheel, sdist = build_project(root, ("wheel", "sdist"), out)
    return wheel, sdist


def metadata_text(name: str = "demo-pkg", version: str = "1.2.0", metadata_version: str = "2.4") -> str:
    return f"Metadata-Version: {metadata_version}\nName: {name}\nVersion: {version}\n"


def write_wheel(path: Path, members: dict[str, bytes], *, complete: bool = True) -> Path:
    """A zip named like a wheel holding `members`; when `complete`, the `.dist-info` holding METADATA also gets the
    WHEEL and RECORD it lacks (the format requires both), RECORD listing every member."""
    members = dict(members)
    dist_info = next((m.split("/")[0] for m in members if m.endswith(".dist-info/METADATA")), None)
    if complete and dist_info and path.name.endswith(".whl"):
        members.setdefault(f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\n")
        record = f"{dist_info}/RECORD"
        if record not in members:
            members[record] = "".join(f"{m},,\n" for m in [*members, record]).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def write_sdist(path: Path, members: dict[str, bytes]) -> Path:
    """A .tar.gz or .zip source distribution holding exactly `members`."""
    if path.name.endswith(".zip"):
        return write_wheel(path, members, complete=False)
    with tarfile.open(path, "w:gz") as archive:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path
