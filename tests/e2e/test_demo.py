"""The README's quick start: `hatch run demo:publish` runs this script; it must publish this project and show it."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.environment import clean_env

pytestmark = pytest.mark.e2e

DEMO = Path(__file__).resolve().parent.parent.parent / "demo" / "publish.py"


def test_the_quick_start_demo_publishes_this_project(tmp_path):
    env = clean_env(HOME=str(tmp_path), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", NO_COLOR="1")

    result = subprocess.run(
        [sys.executable, str(DEMO)], env=env, capture_output=True, text=True, timeout=300, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    (command,) = [line[2:] for line in result.stdout.splitlines() if line.startswith("$ ")]
    variable, *argv = shlex.split(command)  # what a person copies: the variable, then the command as it ran
    assert variable.startswith("HATCH_CONFIG=/")
    assert argv[:7] == [sys.executable, "-m", "hatch", "publish", "-p", "custom-index", "-r"]
    assert all(Path(path).is_absolute() for path in argv[8:])
    assert "Publishing to demo (" in result.stderr
    assert result.stdout.count("(listed)") == 2
    assert "NOT listed" not in result.stdout
    assert "... success" in result.stderr
