"""The first ten minutes: a word for every common mistake, through the real `hatch publish -p custom-index`."""

from __future__ import annotations

import json
import re

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


def test_token_refused_by_an_index_that_wants_a_username_says_to_pass_u(sandbox, pypiserver):
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-r", pypiserver.url, "-a", PYPISERVER_USERS["alice"])  # no -u: the user is __token__

    assert result.returncode == 1
    assert "the index refused the credentials of user '__token__', PyPI's name for an API token" in result.output
    assert 'pass `-u USER`, or set `user = "..."` in its repos table' in result.output


def test_a_read_protected_index_refusing_the_password_says_the_credentials_were_refused(sandbox, warehouse):
    warehouse.state.private_reads = True
    sandbox.write_config(f'[publish.custom-index.repos.private]\nurl = "{warehouse.upload_url}"\n')
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=private", env={"HATCH_INDEX_AUTH": "pypi-wrong-token-0123456789abcdef"})

    assert result.returncode == 1
    assert "the index refused the credentials it asked for to read its files; check the password or token" in (
        result.output
    )
    assert "read access" not in result.output
    assert warehouse.state.uploads == []


def test_several_versions_in_one_batch_get_a_note_and_all_go_up(sandbox, pypiserver):
    project = sandbox.project(version="1.0.0")
    old = project.build(("wheel",))
    (project.root / "pyproject.toml").write_text(
        (project.root / "pyproject.toml").read_text().replace('version = "1.0.0"', 'version = "1.1.0"')
    )
    new = project.build(("wheel",))
    args = ("-r", pypiserver.url, "-u", "alice", "-a", PYPISERVER_USERS["alice"])

    result = project.publish(*args, "-o", "dry-run=true")
    verbose = project.publish(*args, verbose=1)

    assert result.returncode == 0, result.output
    assert f"Note: the batch holds 2 versions of {project.name} (1.0.0, 1.1.0); all are published (-v lists" in (
        result.output
    )
    assert verbose.returncode == 0, verbose.output
    assert f"dist/{old[0].name}: version 1.0.0" in verbose.output
    assert {old[0].name, new[0].name} <= set(pypiserver.files())


@pytest.mark.parametrize("given", ["help", "help=true"])
def test_o_help_describes_every_option_and_publishes_nothing(sandbox, pypiserver, given):
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-r", pypiserver.url, "-o", given)

    assert result.returncode == 0, result.output
    assert "  jobs = N (at least 1)   default: 8" in result.output
    assert "how many uploads run at once" in result.output
    assert "  trusted-publishing = auto|always|never   default: auto" in result.output
    assert "Publishing to" not in result.output
    assert not [name for name in pypiserver.files() if name.startswith(project.name.replace("-", "_"))]


def test_a_mistyped_o_key_gets_the_nearest_real_one(sandbox, pypiserver):
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-r", pypiserver.url, "-o", "jbos=4")

    assert result.returncode == 1
    assert "option `-o jbos` is unknown: did you mean 'jobs'?" in result.output
    assert "`-o help` describes each" in result.output


def test_v_shows_values_as_you_would_write_them(sandbox, pypiserver):
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-r", pypiserver.url, "-u", "alice", "-a", PYPISERVER_USERS["alice"], verbose=1)

    assert result.returncode == 0, result.output
    assert "trusted-publishing = auto (the default)" in result.output
    assert "timeout = 60 (the default)" in result.output
    assert re.search(r"\b[A-Z][A-Za-z]+\.[A-Z_]{2,}\b", result.output) is None  # no `TrustedPublishingMode.AUTO`
    assert "object at 0x" not in result.output
