"""What the fault tests (`test_faults_*.py`) share: a repository `warehouse` pointing at the stand-in index, a publish
that checks the token never shows, and a built wheel project."""

from __future__ import annotations

from tests.e2e.conftest import WAREHOUSE_TOKEN

PLAIN_SECRET = "plain-secret-Xy77-not-token-shaped"  # a password no token pattern catches


def configure(sandbox, server, extra: str = "", url: str | None = None) -> None:
    sandbox.write_config(
        "[publish.custom-index.repos.warehouse]\n"
        f'url = "{url or server.upload_url}"\nsimple-url = "{server.simple_url}"\n{extra}\n'
    )


def publish(project, *args: str, env: dict[str, str] | None = None):
    result = project.publish("-o", "repo=warehouse", *args, env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN, **(env or {})})
    assert WAREHOUSE_TOKEN not in result.output
    return result


def posts(server) -> int:
    return sum(1 for method, _, _ in server.state.requests if method == "POST")


def built_wheel_project(sandbox, warehouse):
    """A project configured for `warehouse`, with its wheel built (what the `wheel_project` fixtures return)."""
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build(("wheel",))
    return project
