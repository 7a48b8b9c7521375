"""End-to-end fixtures: real index servers on 127.0.0.1, real projects, and the real `hatch publish` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from devtools.projects import build, make_project
from devtools.servers import DevpiServer, PypiServer
from devtools.warehouse import WarehouseServer

PYPISERVER_USERS = {"alice": "alice-pw-Zq81", "bob": "bob-pw-Kx27"}
WAREHOUSE_TOKEN = "pypi-AgEIcHlwaS5vcmcCJGE4ZjY1MzI5LTAxMjMtNDU2Ny04OWFiLWNkZWYwMTIzNDU2Nw"


@pytest.fixture(scope="session")
def pypiserver(tmp_path_factory: pytest.TempPathFactory):
    with PypiServer(tmp_path_factory.mktemp("pypiserver"), PYPISERVER_USERS) as server:
        yield server


@pytest.fixture(scope="session")
def devpi(tmp_path_factory: pytest.TempPathFactory):
    with DevpiServer(tmp_path_factory.mktemp("devpi")) as server:
        yield server


@pytest.fixture
def warehouse():
    with WarehouseServer(WAREHOUSE_TOKEN) as server:
        yield server


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Sandbox:
    """A temp HOME with Hatch's config, cache and data dirs, and a project to publish from."""

    root: Path
    env: dict[str, str]

    @property
    def config(self) -> Path:
        return Path(self.env["HATCH_CONFIG"])

    def write_config(self, text: str) -> None:
        self.config.write_text(text)

    def project(self, name: str | None = None, version: str = "1.0.0", payload: str = "", extra: str = "") -> Project:
        name = name or f"proj-{uuid.uuid4().hex[:10]}"
        root = self.root / name
        make_project(root, name, version, extra=extra, payload=payload)
        return Project(name, root, self)

    def publish(self, project: Project, *args: str, env: dict[str, str] | None = None) -> Result:
        """Run `hatch publish -p custom-index ARGS` in the project, with no stdin."""
        completed = subprocess.run(
            [sys.executable, "-m", "hatch", "publish", "-p", "custom-index", *args],
            cwd=project.root,
            env={**self.env, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)


@dataclass
class Project:
    name: str
    root: Path
    sandbox: Sandbox

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    def build(self, targets: tuple[str, ...] = ("sdist", "wheel")) -> list[Path]:
        return build(self.root, targets)

    def publish(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return self.sandbox.publish(self, *args, env=env)


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HATCH_", "PYTHON_KEYRING"))}
    env.update(
        HOME=str(home),
        HATCH_CONFIG=str(home / "hatch-config.toml"),
        HATCH_CACHE_DIR=str(home / "hatch-cache"),
        HATCH_DATA_DIR=str(home / "hatch-data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        COLUMNS="400",
        NO_COLOR="1",
    )
    env.pop("PYPIRC", None)
    (home / "hatch-config.toml").write_text("")
    return Sandbox(tmp_path, env)
