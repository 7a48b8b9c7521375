"""Whatever runs the suite (a CI job, a workstation behind a proxy) must not change what a run under test does: the
runs see only the variables their test sets (devtools.environment), and these tests run with a hostile caller."""

from __future__ import annotations

import pytest

from devtools.warehouse import TrustedPublisher, WarehouseServer
from tests.e2e.conftest import WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing answers there
CALLER = {
    "CI": "true",
    "GITHUB_ACTIONS": "true",
    "ACTIONS_ID_TOKEN_REQUEST_URL": f"{CLOSED}/token",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "x",
    "GITLAB_CI": "true",
    "CI_JOB_JWT": "x",
    "BUILDKITE": "true",
    "CIRCLECI": "true",
    "GOOGLE_SERVICE_ACCOUNT_NAME": "x",
    "HTTP_PROXY": CLOSED,
    "HTTPS_PROXY": CLOSED,
    "ALL_PROXY": CLOSED,
    "NO_PROXY": "",
    "PYTHON_KEYRING_BACKEND": "tests.keyring_backends.RaisingKeyring",
    "PIP_INDEX_URL": f"{CLOSED}/simple/",
    "UV_INDEX_URL": f"{CLOSED}/simple/",
    "VIRTUAL_ENV": "/nonexistent",
    "HATCH_INDEX_AUTH": "not-the-token",
    "PYPIRC": "/nonexistent/.pypirc",
}


@pytest.fixture(autouse=True)
def step_summary(monkeypatch, tmp_path):
    """The caller's variables, set before the sandbox is made (autouse); the job's step summary file."""
    for name, value in CALLER.items():
        monkeypatch.setenv(name, value)
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return summary


def configure(sandbox, warehouse) -> None:
    sandbox.write_config(
        f'[publish.custom-index.repos.warehouse]\nurl = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )


def test_a_run_is_not_on_the_ci_that_runs_the_suite(sandbox, step_summary):
    assert not {name for name, value in CALLER.items() if sandbox.env.get(name) == value}
    with WarehouseServer(WAREHOUSE_TOKEN, trusted_publisher=TrustedPublisher()) as index:
        configure(sandbox, index)
        project = sandbox.project()
        project.build(("wheel",))

        result = project.publish("-o", "repo=warehouse", "-o", "trusted-publishing=always")

    assert result.returncode == 1
    assert "trusted publishing: no identity token from this machine" in result.output
    assert not step_summary.exists()


def test_a_run_uses_no_proxy_of_the_caller_and_writes_no_step_summary(sandbox, warehouse, step_summary):
    configure(sandbox, warehouse)
    project = sandbox.project()
    (wheel,) = project.build(("wheel",))

    result = project.publish("-o", "repo=warehouse", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 0, result.output
    assert [upload.filename for upload in warehouse.state.uploads] == [wheel.name]
    assert not step_summary.exists()
