"""The first ten minutes: a word for every common mistake, through the real `hatch publish -p custom-index`."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import PYPISERVER_USERS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("variable", "instead"),
    [
        ("TWINE_PASSWORD", "HATCH_INDEX_AUTH"),
        ("HATCH_INDEX_PASSWORD", "HATCH_INDEX_AUTH"),
        ("HATCH_INDEX_TOKEN", "HATCH_INDEX_AUTH"),
        ("PYPI_TOKEN", "HATCH_INDEX_AUTH"),
        ("HATCH_INDEX_AUHT", "HATCH_INDEX_AUTH"),
    ],
)
def test_a_look_alike_variable_is_named_with_the_one_to_use(sandbox, pypiserver, variable, instead):
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-r", pypiserver.url, "-u", "alice", env={variable: PYPISERVER_USERS["alice"]})

    assert result.returncode == 1
    assert "No password or token for" in result.output
    assert f"{variable} is set but not read; use {instead}" in result.output
    assert not [name for name in pypiserver.files() if name.startswith(project.name.replace("-", "_"))]


def test_a_dry_run_s_report_says_so_and_its_files_would_upload(sandbox, pypiserver):
    project = sandbox.project()
    built = project.build()
    args = ("-r", pypiserver.url, "-u", "alice", "-a", PYPISERVER_USERS["alice"], "-o", "report=report.json")

    dry = project.publish(*args, "-o", "dry-run=true")
    dry_report = json.loads((project.root / "report.json").read_text())
    real = project.publish(*args)
    real_report = json.loads((project.root / "report.json").read_text())

    assert dry.returncode == 0, dry.output
    assert dry_report["dry_run"] is True
    assert [entry["status"] for entry in dry_report["files"]] == ["would upload"] * len(built)
    assert real.returncode == 0, real.output
    assert real_report["dry_run"] is False
    assert [entry["status"] for entry in real_report["files"]] == ["success"] * len(built)

