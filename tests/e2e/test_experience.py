"""What a person sees and what CI can read: the dry run, `-v`/`-vv`, the summary, the JSON report, the step summary."""

from __future__ import annotations

import hashlib
import json

import pytest

from devtools.warehouse import Fault, FaultKind
from tests.e2e.conftest import PYPISERVER_USERS, WAREHOUSE_TOKEN, finish

pytestmark = pytest.mark.e2e

ALICE = PYPISERVER_USERS["alice"]


@pytest.fixture
def local(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index.repos.local]\nurl = "{pypiserver.url}"\nuser = "alice"\n')
    return pypiserver


def test_a_dry_run_shows_the_plan_and_changes_nothing(sandbox, local):
    project = sandbox.project()
    sdist, wheel = project.build()
    sandbox.write_keyring({local.url: {"alice": ALICE}})
    before = local.files()

    result = project.publish(
        "-o", "repo=local", "-o", "dry-run=true", env={"PYTHON_KEYRING_BACKEND": "tests.keyring_backends.FileKeyring"}
    )

    assert result.returncode == 0, result.output
    assert f"dist/{sdist.name} ... would upload" in result.output
    assert f"dist/{wheel.name} ... would upload" in result.output
    assert "Credentials: username from" in result.output
    assert "password from keyring" in result.output
    assert local.files() == before  # nothing was POSTed
    assert not sandbox.user_cache.exists()
    assert sandbox.keyring() == {local.url: {"alice": ALICE}}


@pytest.mark.usefixtures("local")
def test_a_dry_run_fails_when_a_real_run_would(sandbox):
    project = sandbox.project()
    project.build()

    no_password = project.publish("-o", "repo=local", "-o", "dry-run=yes")

    assert no_password.returncode == 1
    assert "A real run would stop before uploading: No password or token for local" in no_password.output

    assert project.publish("-o", "repo=local", "-o", f"auth={ALICE}").returncode == 0
    rebuilt = sandbox.project(project.name, payload="other bytes")
    rebuilt.build()

    refused = project.publish("-o", "repo=local", "-o", "dry-run=1", "-o", f"auth={ALICE}")

    assert refused.returncode == 1
    assert "... refused" in refused.output
    assert "A real run would upload nothing" in refused.output


def test_verbose_shows_settings_sources_requests_and_times(sandbox, local):
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", "-o", "timeout=30", env={"HATCH_INDEX_AUTH": ALICE}, verbose=True)

    assert result.returncode == 0, result.output
    assert "timeout = 30 (option `-o timeout`)" in result.output
    assert "retries = 3 (the default)" in result.output
    assert "repo = local (option `-o repo`)" in result.output
    assert f"GET {local.simple_url}{project.name}/ -> 404" in result.output
    assert f"POST {local.url} -> 200" in result.output
    assert "Credentials: username from Hatch config" in result.output
    assert "password from environment variable HATCH_INDEX_AUTH" in result.output
    assert " ... success (" in result.output  # the time per file
    assert "pypirc = ~/.pypirc (the default)" in result.output


def test_the_release_is_shown_once_and_only_when_something_was_uploaded(sandbox, local):
    old = sandbox.project(version="1.0.0")
    old.build()
    assert old.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE}).returncode == 0
    new = sandbox.project(old.name, version="1.1.0")  # the same project, one version on: dist/ holds both
    new.build()

    both = new.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE})
    again = new.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE})

    assert both.returncode == 0, both.output
    assert both.stdout.count(f"[{old.name}]") == 1  # the header, once for the version uploaded
    assert both.output.count(f"{local.simple_url}{old.name}/") == 1
    assert "2 uploaded (" in both.output
    assert "kB), 2 already there, in " in both.output  # sizes under 1 MB in kB, no zero counts
    assert "not on the index" not in both.output
    assert again.returncode == 0
    assert f"[{old.name}]" not in again.stdout  # nothing uploaded, no release to show
    assert "none uploaded, 4 already there, in " in again.output


def test_very_verbose_shows_a_failure_body_scrubbed(sandbox, warehouse):
    sandbox.write_config(
        f'[publish.custom-index.repos.wh]\nurl = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    project = sandbox.project()
    project.build(("wheel",))
    warehouse.state.faults.append(Fault(FaultKind.ECHO_AUTH))
    command = ["-o", "repo=wh"]

    result = project.publish(*command, env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN}, verbose=1)
    assert "body:" not in result.output  # -v: no bodies

    warehouse.state.faults.append(Fault(FaultKind.ECHO_AUTH))
    output = project.publish(*command, env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN}, verbose=2).output
    assert "400 body:" in output
    assert "__token__:********" in output
    assert WAREHOUSE_TOKEN not in output


def test_the_report_matches_the_index(sandbox, local, tmp_path):
    project = sandbox.project()
    project.build()
    report = tmp_path / "out" / "publish.json"
    summary = tmp_path / "step-summary.md"

    result = project.publish(
        "-o",
        "repo=local",
        "-o",
        f"report={report}",
        env={"HATCH_INDEX_AUTH": ALICE, "GITHUB_STEP_SUMMARY": str(summary)},
    )

    assert result.returncode == 0, result.output
    assert "2 uploaded (" in result.output
    assert json.loads(report.read_text())["error"] is None
    entries = json.loads(report.read_text())["files"]
    held = local.files()
    assert {entry["status"] for entry in entries} == {"success"}
    for entry in entries:
        name = entry["file"].rsplit("/", 1)[-1]
        assert entry["sha256"] == hashlib.sha256(held[name]).hexdigest()
        assert entry["size"] == len(held[name])
        assert entry["project"] == project.name
        assert entry["version"] == "1.0.0"
        assert entry["error"] is None
    table = summary.read_text()
    assert "### Published to local" in table
    assert table.count("| success |") == 2


@pytest.mark.usefixtures("local")
def test_the_report_is_written_when_the_publish_fails(sandbox, tmp_path):
    project = sandbox.project()
    project.build()
    report = tmp_path / "publish.json"
    wrong = "wrong-password-Uv71"

    result = project.publish("-o", "repo=local", "-o", f"report={report}", env={"HATCH_INDEX_AUTH": wrong})

    assert result.returncode == 1
    entries = json.loads(report.read_text())["files"]
    assert [entry["status"] for entry in entries] == ["failed", "not attempted"]
    assert entries[0]["error"].startswith("403 Forbidden: ")
    assert json.loads(report.read_text())["error"].startswith("Uploading ")
    assert wrong not in report.read_text()


def on_a_terminal(sandbox, project, *args: str, **env: str) -> str:
    """Everything a terminal shows while the publish runs in a real pseudo-terminal."""
    child = sandbox.spawn(project, *args, env={"TERM": "xterm-256color", **env}, dimensions=(40, 160))
    code, screen = finish(child)
    assert code == 0, screen
    return screen


@pytest.fixture
def slow_index(sandbox, warehouse):
    warehouse.state.delay = 0.5
    sandbox.write_config(
        f'[publish.custom-index.repos.wh]\nurl = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    return warehouse


@pytest.mark.usefixtures("slow_index")
def test_a_terminal_gets_live_progress_bars(sandbox):
    project = sandbox.project()
    sdist, wheel = project.build()

    screen = on_a_terminal(
        sandbox, project, "-o", "repo=wh", "-o", "user=__token__", HATCH_INDEX_AUTH=WAREHOUSE_TOKEN, NO_COLOR=""
    )

    assert "━" in screen  # the bars
    assert "2 files" in screen  # the whole batch's line
    assert "(waiting for the index)" in screen  # every byte sent, the index still checking it (0.5 s here)
    assert "kB" in screen  # bytes
    assert f"dist/{sdist.name} ... success" in screen
    assert f"dist/{wheel.name} ... success" in screen
    assert WAREHOUSE_TOKEN not in screen


@pytest.mark.usefixtures("slow_index")
def test_plain_lines_for_a_dumb_terminal_and_for_pipes(sandbox):
    project = sandbox.project()
    project.build()
    args = ("-o", "repo=wh", "-o", "user=__token__")

    dumb = on_a_terminal(sandbox, project, *args, HATCH_INDEX_AUTH=WAREHOUSE_TOKEN, NO_COLOR="", TERM="dumb")
    piped = project.publish(*args, env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert "━" not in dumb
    assert "already exists" in dumb or "success" in dumb
    assert piped.returncode == 0
    assert "\x1b" not in piped.output  # no control characters in a CI log
    assert piped.stderr.count(" ... already exists") == 2


def test_the_report_says_why_a_run_stopped_before_uploading(sandbox, local, tmp_path):
    project = sandbox.project()
    sdist, _ = project.build()
    report = tmp_path / "publish.json"
    report.write_text('{"files": [{"status": "success"}]}')  # a stale report from an earlier run

    bad_setting = project.publish("-o", "repo=local", "-o", f"report={report}", "-o", "jobs=0")

    assert bad_setting.returncode == 1
    written = json.loads(report.read_text())
    assert written["files"] == []
    assert "option `-o jobs` must be a whole number, 1 or more" in written["error"]

    sdist.write_bytes(b"not a tar.gz")
    broken = project.publish("-o", "repo=local", "-o", f"report={report}", env={"HATCH_INDEX_AUTH": ALICE})

    assert broken.returncode == 1
    written = json.loads(report.read_text())
    assert sdist.name in written["error"]
    assert written["index_url"] == local.url
    assert not any(name.startswith(project.name.replace("-", "_")) for name in local.files())


@pytest.mark.usefixtures("local")
def test_the_report_says_why_credentials_stopped_the_run(sandbox, tmp_path):
    project = sandbox.project()
    project.build()
    report = tmp_path / "publish.json"

    result = project.publish("-o", "repo=local", "-o", f"report={report}")

    assert result.returncode == 1
    written = json.loads(report.read_text())
    assert written["error"].startswith("No password or token for local")
    assert [entry["status"] for entry in written["files"]] == ["not attempted", "not attempted"]


@pytest.mark.usefixtures("local")
def test_an_unwritable_report_is_a_warning_that_keeps_the_outcome(sandbox, tmp_path):
    project = sandbox.project()
    project.build()
    blocked = tmp_path / "a-file"
    blocked.write_text("")

    published = project.publish("-o", "repo=local", "-o", f"report={blocked}/r.json", env={"HATCH_INDEX_AUTH": ALICE})
    refused = project.publish("-o", "repo=local", "-o", "skip-existing=false", "-o", f"report={blocked}/r.json")

    assert published.returncode == 0, published.output
    assert f"Warning: cannot write the report {blocked}/r.json (option `report`)" in published.output
    assert refused.returncode == 1
    assert "is already on the index" in refused.output  # the publish's own failure is still said
    assert "cannot write the report" in refused.output
