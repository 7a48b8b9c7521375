"""The way a project switches the plugin on, for real: a fresh environment with only Hatch, a project whose hatch.toml
asks for `hatch-custom-index` in `[env] requires`, `hatch build` (which installs it into Hatch's own environment, from a
local index), then `hatch publish -p custom-index` (and `HATCH_PUBLISHER=custom-index`) to a second local index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devtools.environment import TRUST_STORE, clean_env
from devtools.projects import build, make_project
from devtools.servers import PypiServer
from tests.e2e.conftest import WAREHOUSE_TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent.parent


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def plugin_index(tmp_path_factory: pytest.TempPathFactory):
    """This plugin's wheel, served by a pypiserver on 127.0.0.1."""
    directory = tmp_path_factory.mktemp("plugin-index")
    with PypiServer(directory, {"maintainer": "maintainer-pw-Ee61"}) as server:
        build(ROOT, ("wheel",), directory=server.packages)
        yield server


@pytest.fixture(scope="module")
def fresh_hatch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with Hatch and nothing of ours."""
    venv = tmp_path_factory.mktemp("venv") / "hatch"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], env=clean_env(), check=True)
    hatch = venv / "bin" / "hatch"
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "hatch"]
    # From PyPI: pip's settings are the machine's own (/etc/pip.conf), the trust store is named.
    installed = run(pip, venv, clean_env(*TRUST_STORE, HOME=str(venv.parent)))
    assert installed.returncode == 0, installed.stderr
    return hatch


def test_a_project_switches_the_plugin_on_with_env_requires(tmp_path, plugin_index, fresh_hatch, warehouse):
    home = tmp_path / "home"
    home.mkdir()
    project = make_project(tmp_path / "sample", "enabled-sample")
    (project / "hatch.toml").write_text(
        '[env]\nrequires = ["hatch-custom-index"]\n\n'
        '[publish.custom-index]\nrepo = "local"\n\n'
        f'[publish.custom-index.repos.local]\nurl = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    env = clean_env(
        *TRUST_STORE,  # Hatch installs the plugin's dependencies from PyPI with uv
        HOME=str(home),
        HATCH_CONFIG=str(home / "config.toml"),
        HATCH_DATA_DIR=str(home / "data"),
        HATCH_CACHE_DIR=str(home / "cache"),
        UV_EXTRA_INDEX_URL=plugin_index.simple_url,  # where Hatch's uv finds hatch-custom-index
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        HATCH_INDEX_AUTH=WAREHOUSE_TOKEN,
    )
    (home / "config.toml").write_text("")

    missing = run([str(fresh_hatch), "publish", "-p", "custom-index"], project, env)
    assert missing.returncode != 0
    assert "Unknown publisher: custom-index" in missing.stderr + missing.stdout

    built = run([str(fresh_hatch), "build"], project, env)
    assert built.returncode == 0, built.stderr + built.stdout

    published = run([str(fresh_hatch), "publish", "-p", "custom-index"], project, env)
    assert published.returncode == 0, published.stderr + published.stdout
    assert sorted(upload.filename for upload in warehouse.state.uploads) == sorted(
        path.name for path in (project / "dist").iterdir() if path.suffix in {".whl", ".gz"}
    )

    by_variable = run([str(fresh_hatch), "publish"], project, {**env, "HATCH_PUBLISHER": "custom-index"})
    assert by_variable.returncode == 0, by_variable.stderr + by_variable.stdout
    assert by_variable.stderr.count("already exists") == 2
    assert WAREHOUSE_TOKEN not in published.stdout + published.stderr + by_variable.stdout + by_variable.stderr
