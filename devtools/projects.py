"""Real projects built with hatchling, to publish."""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.sdist import SdistBuilder
from hatchling.builders.wheel import WheelBuilder

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "{version}"
description = "A project built by the tests of hatch-custom-index"
requires-python = ">=3.8"
license = "MIT"
keywords = ["demo", "test"]
classifiers = ["Programming Language :: Python :: 3", "Typing :: Typed"]
dependencies = ["packaging>=20", "tomli; python_version < '3.11'"]
{extra}
[project.urls]
Homepage = "https://example.org/{name}"
Source = "https://example.org/{name}/src"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]
"""


def make_project(root: Path, name: str, version: str = "1.0.0", extra: str = "", payload: str = "") -> Path:
    """Write a small project under `root` (pyproject.toml, a package, a README) and return `root`."""
    module = name.replace("-", "_").replace(".", "_")
    package = root / "src" / module
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(f'"""{name}."""\n\nVALUE = {payload!r}\n')
    (root / "README.md").write_text(f"# {name}\n")
    (root / "LICENSE.txt").write_text("MIT\n")
    (root / "pyproject.toml").write_text(PYPROJECT.format(name=name, version=version, module=module, extra=extra))
    return root


def build(root: Path, targets: tuple[str, ...] = ("sdist", "wheel"), directory: Path | None = None) -> list[Path]:
    """Build the project with hatchling in this process; the artifacts go to `directory` (default `root/dist`)."""
    out = directory or root / "dist"
    builders = {"sdist": SdistBuilder, "wheel": WheelBuilder}
    return [Path(artifact) for target in targets for artifact in builders[target](str(root)).build(directory=str(out))]
