"""The README's quick start, run as written: each `<!-- quick-start: PATH -->` block, extracted from README.md, in one
`bash -e`, in a fresh HOME with a throwaway Python (a venv with nothing installed) as the only Python on PATH.

What a newcomer has is Python, git and a shell; what the README's lines do is everything else: get pipx or uv, Hatch,
the clone, the plugin, the index, the publish. Nothing of this machine's Hatch or this checkout's environment is seen.

Two things differ from a newcomer's machine, and each is the least that makes the lines run here:
- there is no network to GitHub: the fresh HOME's .gitconfig points the README's clone URL (kept literal) at this
  checkout (`url.<path>.insteadOf`), so the clone is the checkout's committed HEAD;
- the port: the README's 8080 may be taken on this machine or by a parallel worker, so each run gets a free port in
  its place (the only change made to the lines).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

from devtools.environment import TRUST_STORE, clean_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "README.md"
CLONE_URL = "https://github.com/hatch-custom-index/hatch-custom-index"
# Where packages come from, if this machine says so in the environment (a mirror, a proxy's CA): pip (and pipx, which
# runs pip) and uv read these. Nothing else of the caller's reaches the quick start.
PACKAGE_SOURCES = (
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS",
    "PIP_CERT",
    "PIP_TRUSTED_HOST",
    "PIP_DEFAULT_TIMEOUT",
    "UV_DEFAULT_INDEX",
    "UV_INDEX",
    "UV_INDEX_URL",
    "UV_EXTRA_INDEX_URL",
    "UV_NATIVE_TLS",
    "UV_HTTP_TIMEOUT",
)


def quick_start(path: str) -> str:
    """The lines of the README's console block marked `<!-- quick-start: PATH -->`, exactly as written."""
    found = re.search(
        rf"^<!-- quick-start: {re.escape(path)} -->\n```console\n(.*?)^```$",
        README.read_text(),
        re.MULTILINE | re.DOTALL,
    )
    assert found, f"README.md has no `<!-- quick-start: {path} -->` console block"
    return found[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_readme_shows_both_paths_with_the_real_clone_url_and_no_placeholder():
    for path in ("pipx", "uv"):
        lines = quick_start(path)
        assert f"git clone {CLONE_URL}\n" in lines
        assert "<" not in lines.replace("2>/dev/null", "")  # no `<this repository>`
        assert "mkdir -p ~/local-index\n" in lines
        assert " #" not in lines  # pasted into zsh (macOS's shell), a comment is arguments unless interactive_comments
    assert "pipx run --spec pypiserver" in quick_start("pipx")  # no uvx where only pipx was installed
    assert "uvx --from pypiserver" in quick_start("uv")


def fresh_machine(root: Path) -> dict[str, str]:
    """A fresh HOME under `root` whose git clones the README's URL from this checkout, and a Python with nothing
    installed (`root/python`) as the only Python on PATH: the environment of a newcomer's shell."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    home = root / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f'[url "{ROOT}"]\n\tinsteadOf = {CLONE_URL}\n')
    python = root / "python"
    venv.EnvBuilder(with_pip=True).create(python)  # no pipx, no uv, no Hatch
    tools = {str(Path(shutil.which(name) or f"/usr/bin/{name}").parent) for name in ("git", "bash", "sleep")}
    return clean_env(
        *TRUST_STORE,
        *PACKAGE_SOURCES,
        measured=False,
        HOME=str(home),
        # The throwaway Python first, then git, bash and coreutils; ~/.local/bin is added by the README's own line.
        PATH=os.pathsep.join([str(python / "bin"), *sorted(tools)]),
        NO_COLOR="1",
    )


@pytest.mark.parametrize("path", ["pipx", "uv"])
def test_the_quick_start_runs_as_written_and_the_files_land_on_the_index(tmp_path, path):
    env = fresh_machine(tmp_path)
    home = Path(env["HOME"])
    work = tmp_path / "work"  # the directory the newcomer's shell starts in
    work.mkdir()
    port = free_port()
    script = quick_start(path).replace("8080", str(port))

    started = time.monotonic()
    shell = subprocess.Popen(
        ["bash", "-e", "-c", script],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: whatever it leaves running is ended below, and only that
    )
    try:
        output, _ = shell.communicate(timeout=900)
        elapsed = time.monotonic() - started
        deadline = time.monotonic() + 10  # `kill %1` sends SIGTERM and returns: give the index a moment to close
        while (index_still_up := answers(port)) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGKILL)
        shell.wait()

    sys.stderr.write(f"{output}\nquick start ({path}): {elapsed:.1f} s\n")  # shown with -s, or when it fails
    assert shell.returncode == 0, output
    landed = sorted(item.name for item in (home / "local-index").iterdir())
    assert len(landed) == 2, (landed, output)
    assert all(name.startswith("hatch_custom_index-") for name in landed), landed
    assert landed[0].endswith("-py3-none-any.whl"), landed
    assert landed[1].endswith(".tar.gz"), landed
    assert output.count("already exists") >= 2, output  # the second publish sent nothing
    assert not index_still_up, f"`kill %1` left the index on port {port} running"


def test_the_ci_examples_install_lines_install_hatch_with_the_plugin_and_its_extra(tmp_path):
    """`pip install hatch "hatch-custom-index @ git+..."`, as the GitHub Actions and GitLab CI examples have it, and
    the signing example's `hatch-custom-index[attest]`, each in a fresh venv: the extra installs beside Hatch."""
    lines = re.findall(r"^\s*- (?:run: )?(pip install hatch .*)$", README.read_text(), re.MULTILINE)
    plain = [line for line in lines if "[attest]" not in line]
    extra = [line for line in lines if "[attest]" in line]
    assert len(plain) == 2, lines  # GitHub Actions and GitLab CI
    assert len(set(plain)) == 1, lines
    assert len(extra) == 1, lines  # Attestations made in CI
    for line in (plain[0], extra[0]):
        assert CLONE_URL in line
        checks = "hatch publish -p custom-index -o help"
        if line in extra:
            checks += "\npip check\npython -c 'import sigstore.sign, pypi_attestations'"
        venv = tmp_path / ("extra" if line in extra else "plain")
        venv.mkdir()
        installed = subprocess.run(
            ["bash", "-e", "-c", f"{line}\n{checks}"],
            cwd=venv,
            env=fresh_machine(venv),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        output = installed.stdout + installed.stderr
        assert installed.returncode == 0, output
        assert "jobs = N (at least 1)" in output
        assert "sign = auto|true|false" in output
