"""A fault put into the plugin itself: a bug of ours must show neither a secret nor Hatch's locals."""

from __future__ import annotations

import pytest

from tests.e2e.faulting import PLAIN_SECRET, built_wheel_project

pytestmark = pytest.mark.e2e


@pytest.fixture
def wheel_project(sandbox, warehouse):
    return built_wheel_project(sandbox, warehouse)


def test_a_bug_of_ours_never_shows_a_secret_nor_hatch_s_locals(wheel_project, tmp_path):
    # A fault put into the plugin itself (at start-up, through sitecustomize): the plan raises what no code expects.
    (tmp_path / "sitecustomize.py").write_text(
        "import hatch_custom_index.plan as plan\n"
        "def broken(*_args, **_kwargs):\n"
        f"    raise RuntimeError('a bug, holding {PLAIN_SECRET}')\n"
        "plan.make_plan = broken\n"
    )
    pythonpath = f"{tmp_path}:{wheel_project.sandbox.env['PYTHONPATH']}"

    quiet = wheel_project.publish("-o", "repo=warehouse", "-a", PLAIN_SECRET, env={"PYTHONPATH": pythonpath})
    verbose = wheel_project.publish(
        "-o", "repo=warehouse", "-a", PLAIN_SECRET, env={"PYTHONPATH": pythonpath}, verbose=1
    )

    assert quiet.returncode == 1
    assert "failed unexpectedly: RuntimeError: a bug, holding ********. This is a bug" in quiet.output
    assert "Traceback" not in quiet.output  # HATCH_DEBUG is set in these runs: no frames, no locals
    assert "Traceback (most recent call last)" in verbose.output  # -v: where it happened, as text
    assert "in broken" in verbose.output
    assert PLAIN_SECRET not in quiet.output + verbose.output
