"""A secret in other clothes: a proxy's password (from `HTTPS_PROXY=http://user:pass@proxy:3128`), and a password
that the index echoes back JSON-escaped or as HTML entities. None reaches any channel: the messages, `-vv`, the JSON
report, GitHub's step summary."""

from __future__ import annotations

import pytest

from devtools.warehouse import Fault, FaultKind
from tests.e2e.conftest import WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e

PROXY_PASSWORD = "pr0xy-Pa55word-7781"


def every_channel(project, result) -> str:
    """What the run printed, its JSON report and its step summary."""
    return "\n".join(
        [result.output, (project.root / "report.json").read_text(), (project.root / "summary.md").read_text()]
    )


def run(sandbox, warehouse, env: dict[str, str]):
    sandbox.write_config(f'[publish.custom-index.repos.wh]\nurl = "{warehouse.upload_url}"\n')
    project = sandbox.project()
    project.build(("wheel",))
    summary = project.root / "summary.md"
    summary.write_text("")
    env = {"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), **env}
    result = project.publish("-o", "repo=wh", "-o", "report=report.json", "-o", "retries=0", env=env, verbose=2)
    return project, result


def test_a_proxy_s_password_is_a_secret_everywhere(sandbox, warehouse):
    """The stand-in is the proxy too (it answers absolute URIs), and repeats the credentials it was given."""
    warehouse.state.faults.append(Fault(FaultKind.ECHO_PROXY))
    proxy = f"http://proxy-user:{PROXY_PASSWORD}@127.0.0.1:{warehouse.port}"
    env = {"HTTP_PROXY": proxy, "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}

    project, result = run(sandbox, warehouse, env)

    assert result.returncode == 1
    assert "Proxy saw Proxy-Authorization: Basic ********" in result.output  # the echo reached us, scrubbed
    shown = every_channel(project, result)
    assert PROXY_PASSWORD not in shown
    assert f"proxy-user:{PROXY_PASSWORD}" not in shown


def test_a_password_echoed_json_escaped_or_as_html_entities_is_scrubbed(sandbox, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.ECHO_ESCAPED))

    project, result = run(sandbox, warehouse, {})

    assert result.returncode == 1
    assert "400 body: " in result.output  # -vv shows the raw body
    shown = every_channel(project, result)
    for form in (
        WAREHOUSE_TOKEN,
        "".join(f"\\u{ord(char):04x}" for char in WAREHOUSE_TOKEN),
        "".join(f"&#{ord(char)};" for char in WAREHOUSE_TOKEN),
        "".join(f"&#x{ord(char):X};" for char in WAREHOUSE_TOKEN),
        WAREHOUSE_TOKEN[5:25],  # any long part of it
    ):
        assert form not in shown


@pytest.mark.parametrize("proxy", ["ftp://proxy-user:{pw}@127.0.0.1:9", "http://proxy-user:{pw}@127.0.0.1:notaport"])
def test_a_proxy_that_cannot_be_used_is_a_configuration_error_not_a_bug(sandbox, warehouse, proxy):
    proxy = proxy.format(pw=PROXY_PASSWORD)
    env = {"HTTP_PROXY": proxy, "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}

    project, result = run(sandbox, warehouse, env)

    assert result.returncode == 1
    assert "a proxy that the environment names cannot be used" in result.output
    assert "This is a bug" not in result.output
    assert PROXY_PASSWORD not in every_channel(project, result)
    assert warehouse.state.uploads == []
