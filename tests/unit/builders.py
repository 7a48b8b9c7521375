"""Real wheels and sdists built in-process with hatchling, and hand-made archives for the broken cases."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

from hatchling.builders.sdist import SdistBuilder
from hatchling.builders.wheel import WheelBuilder


def make_project(root: Path, name: str = "demo-pkg", version: str = "1.2.0") -> Path:
    """A tiny hatchling project at `root`."""
    package = name.replace("-", "_")
    (root / "src" / package).mkdir(parents=True, exist_ok=True)
    (root / "src" / package / "__init__.py").write_text("", encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f"""\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "{version}"
requires-python = ">=3.8"
keywords = ["demo", "test"]
classifiers = ["Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License"]
dependencies = ["packaging>=20", "httpx2"]

[project.urls]
Homepage = "https://example.com/demo"
Source = "https://example.com/demo/src"
""",
        encoding="utf-8",
    )
    return root


def build(root: Path, out: Path, name: str = "demo-pkg", version: str = "1.2.0") -> tuple[Path, Path]:
    """Build a wheel and an sdist of a tiny project into `out`; returns (wheel, sdist)."""
    make_project(root, name, version)
    (wheel,) = WheelBuilder(str(root)).build(directory=str(out))
    (sdist,) = SdistBuilder(str(root)).build(directory=str(out))
    return Path(wheel), Path(sdist)


def metadata_text(name: str = "demo-pkg", version: str = "1.2.0", metadata_version: str = "2.4") -> str:
    return f"Metadata-Version: {metadata_version}\nName: {name}\nVersion: {version}\n"


def write_wheel(path: Path, members: dict[str, bytes]) -> Path:
    """A zip named like a wheel holding exactly `members`."""
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def write_sdist(path: Path, members: dict[str, bytes]) -> Path:
    """A .tar.gz or .zip source distribution holding exactly `members`."""
    if path.name.endswith(".zip"):
        return write_wheel(path, members)
    with tarfile.open(path, "w:gz") as archive:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path
