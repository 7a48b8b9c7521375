"""End-to-end fixtures: real index servers on 127.0.0.1, real projects, and the real `hatch publish` in a subprocess."""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest

from devtools.environment import clean_env
from devtools.projects import build, make_project
from devtools.servers import DevpiServer, PypiServer
from devtools.warehouse import WarehouseServer

PYPISERVER_USERS = {
    "alice": "alice-pw-Zq81",
    "bob": "bob-pw-Kx27",
    "carol": "carol-pw-Vb55",
    "dave": "dave-pw-Jn04",
    "erin": "erin-pw-Qs66",
    "__token__": "token-pw-Wd19",
    "frank": "fr%nk-pw-%(home)s-9",  # `%` must be taken literally from .pypirc
}
DEVPI_PASSWORD = "alice-password"
WAREHOUSE_TOKEN = "pypi-AgEIcHlwaS5vcmcCJGE4ZjY1MzI5LTAxMjMtNDU2Ny04OWFiLWNkZWYwMTIzNDU2Nw"


@pytest.fixture(scope="session")
def pypiserver(tmp_path_factory: pytest.TempPathFactory):
    with PypiServer(tmp_path_factory.mktemp("pypiserver"), PYPISERVER_USERS) as server:
        yield server


@pytest.fixture(scope="session")
def devpi(tmp_path_factory: pytest.TempPathFactory):
    with DevpiServer(tmp_path_factory.mktemp("devpi"), password=DEVPI_PASSWORD) as server:
        yield server


@pytest.fixture
def warehouse():
    with WarehouseServer(WAREHOUSE_TOKEN) as server:
        yield server


def finish(child: pexpect.spawn) -> tuple[int | None, str]:
    """Wait for a spawned publish to end: its exit code and everything the terminal showed."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.logfile_read.getvalue()


def secrets_of(args: tuple[str, ...], env: dict[str, str]) -> set[str]:
    """Every secret a run could know: the servers' passwords and tokens, and any `auth` it was given."""
    found = {*PYPISERVER_USERS.values(), WAREHOUSE_TOKEN, DEVPI_PASSWORD, env.get("HATCH_INDEX_AUTH", "")}
    found.update(arg.split("=", 1)[1] for arg in args if arg.startswith(("auth=", "auth_", "--auth=")) and "=" in arg)
    found.update(value for flag, value in itertools.pairwise(args) if flag in {"-a", "--auth"})
    return {secret for secret in found if len(secret) >= 6}


def assert_no_secret(output: str, secrets: set[str]) -> None:
    leaked = sorted(secret for secret in secrets if secret in output)
    assert not leaked, f"secrets in the output: {leaked}"


def upload_refusal(output: str, repo: str) -> str | None:
    """The HTTP status ("403 Forbidden") that the closing line `Uploading FILE to REPO failed: STATUS: ...` gives."""
    found = re.search(rf"^Uploading \S+ to {re.escape(repo)} failed: (\d{{3}} [^:]+): ", output, re.MULTILINE)
    return found and found[1]


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

    @property
    def home(self) -> Path:
        return Path(self.env["HOME"])

    def write_pypirc(self, text: str) -> Path:
        path = self.home / ".pypirc"
        path.write_text(text)
        return path

    @property
    def keyring_file(self) -> Path:
        return Path(self.env["TEST_KEYRING_FILE"])

    def keyring(self) -> dict[str, dict[str, str]]:
        """What the test keyring holds: {service: {username: password}}."""
        return json.loads(self.keyring_file.read_text()) if self.keyring_file.exists() else {}

    def write_keyring(self, entries: dict[str, dict[str, str]]) -> None:
        self.keyring_file.write_text(json.dumps(entries))

    @property
    def user_cache(self) -> Path:
        return Path(self.env["HATCH_CACHE_DIR"]) / "publish" / "custom-index" / "previous_working_users.json"

    def remember_user(self, repo: str, user: str) -> None:
        self.user_cache.parent.mkdir(parents=True, exist_ok=True)
        self.user_cache.write_text(json.dumps({repo: user}))

    def project(self, name: str | None = None, version: str = "1.0.0", payload: str = "", extra: str = "") -> Project:
        name = name or f"proj-{uuid.uuid4().hex[:10]}"
        root = self.root / name
        make_project(root, name, version, extra=extra, payload=payload)
        return Project(name, root, self)

    def command(self, *args: str, verbose: int = 0) -> list[str]:
        """`hatch [-v|-vv] publish -p custom-index ARGS`."""
        flags = ["-" + "v" * int(verbose)] if verbose else []
        return [sys.executable, "-m", "hatch", *flags, "publish", "-p", "custom-index", *args]

    def spawn(self, project: Project, *args: str, env: dict[str, str] | None = None, **options: Any) -> pexpect.spawn:
        """`hatch publish -p custom-index ARGS` in a real pseudo-terminal; an empty value in `env` removes that
        variable. `child.logfile_read` collects the whole screen, prompts and echoes included."""
        command = self.command(*args)
        merged = {key: value for key, value in {**self.env, **(env or {})}.items() if value}
        child = pexpect.spawn(
            command[0], command[1:], cwd=str(project.root), env=merged, encoding="utf-8", timeout=120, **options
        )
        child.logfile_read = io.StringIO()
        return child

    def publish(self, project: Project, *args: str, env: dict[str, str] | None = None, verbose: int = 0) -> Result:
        """Run `hatch [-v] publish -p custom-index ARGS` in the project, with no stdin.

        The redaction sweep: whatever happened, no known secret may appear in what it printed.
        """
        env = {**self.env, **(env or {})}
        completed = subprocess.run(
            self.command(*args, verbose=verbose),
            cwd=project.root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        result = Result(completed.returncode, completed.stdout, completed.stderr)
        assert_no_secret(result.output, secrets_of(args, env))
        return result


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

    def publish(self, *args: str, env: dict[str, str] | None = None, verbose: int = 0) -> Result:
        return self.sandbox.publish(self, *args, env=env, verbose=verbose)


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    """What a run sees is this allow-listed environment, never the caller's (see devtools.environment)."""
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(
        HOME=str(home),
        HATCH_CONFIG=str(home / "hatch-config.toml"),
        HATCH_CACHE_DIR=str(home / "hatch-cache"),
        HATCH_DATA_DIR=str(home / "hatch-data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        COLUMNS="400",
        PYTHONPATH=str(Path(__file__).parent.parent.parent),  # for the test keyring backends
        TEST_KEYRING_FILE=str(home / "keyring.json"),
        NO_COLOR="1",
        HATCH_DEBUG="1",  # an unexpected traceback would show frame locals: the redaction sweep must see them
    )
    (home / "hatch-config.toml").write_text("")
    return Sandbox(tmp_path, env)
