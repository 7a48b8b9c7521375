"""Truthful at every index, as real ones answer: an upload accepted and stored later (Pulp's 202), the simple API where
each index serves it (Azure Artifacts, Cloudsmith, an index that takes uploads at its `simple/`), a simple page behind
a CDN on another origin, an index that dies in the middle of a batch, and Ctrl-C at the prompt. The stand-in answers
with each index's documented URL shapes and status codes; Pulp itself is in test_pulp.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.warehouse import Fault, FaultKind, WarehouseServer
from tests.e2e.conftest import PYPISERVER_USERS, WAREHOUSE_TOKEN, finish

pytestmark = pytest.mark.e2e

AZURE_FEED = "/corp/tools/_packaging/releases/pypi/"


def configure(sandbox, url: str, extra: str = "") -> None:
    sandbox.write_config(f'[publish.custom-index.repos.index]\nurl = "{url}"\n{extra}\n')


def publish(project, *args: str, user: str = "__token__", env: dict[str, str] | None = None, verbose: int = 1):
    env = {"HATCH_INDEX_USER": user, "HATCH_INDEX_AUTH": WAREHOUSE_TOKEN, **(env or {})}
    result = project.publish("-o", "repo=index", *args, env=env, verbose=verbose)
    assert WAREHOUSE_TOKEN not in result.output
    return result


def listed(server, project) -> set[str]:
    return set(server.state.files.get(project.name, {}))


def test_an_upload_accepted_with_202_and_stored_later_is_waited_for_and_confirmed(sandbox, warehouse):
    """Pulp answers 202 with a task and stores the file when a worker runs it."""
    warehouse.state.accepted_status, warehouse.state.store_after = 202, 1.0
    configure(sandbox, warehouse.upload_url)
    project = sandbox.project()
    built = project.build()

    result = publish(project)

    assert result.returncode == 0, result.output
    assert listed(warehouse, project) == {path.name for path in built}
    assert "2 uploaded" in result.output
    assert f"Confirmed: the index lists {built[0].name}" in result.output
    assert "not listed" not in result.output


def test_legacy_upload_url_finds_the_sibling_simple_api_and_skips_what_is_there(sandbox, warehouse):
    configure(sandbox, warehouse.upload_url)  # no simple-url: `…/legacy/` → `…/simple/`, as Warehouse and Pulp serve
    project = sandbox.project()
    built = project.build()

    first = publish(project)
    again = publish(project)

    assert first.returncode == 0, first.output
    assert f"simple API {warehouse.origin}/simple/ (Warehouse's and Pulp's sibling of legacy/)" in first.output
    assert again.returncode == 0, again.output
    assert again.output.count("... already exists") == len(built)
    assert len(warehouse.state.uploads) == len(built)


def test_azure_artifacts_upload_url_finds_its_simple_api(sandbox, warehouse):
    warehouse.state.username = "azure"  # a personal access token goes with any username
    warehouse.state.upload_path, warehouse.state.simple_path = f"{AZURE_FEED}upload/", f"{AZURE_FEED}simple/"
    configure(sandbox, f"{warehouse.origin}{AZURE_FEED}upload/")
    project = sandbox.project()
    built = project.build()

    first = publish(project, user="azure")
    again = publish(project, user="azure")

    assert first.returncode == 0, first.output
    assert f"simple API {warehouse.origin}{AZURE_FEED}simple/ (Azure Artifacts' sibling of upload/)" in first.output
    assert "Not on the index" not in first.output
    assert again.returncode == 0, again.output
    assert again.output.count("... already exists") == len(built)
    assert listed(warehouse, project) == {path.name for path in built}


def test_cloudsmith_upload_url_finds_its_download_host_which_gets_the_credentials(sandbox, warehouse):
    # Reached at its real host names over plain http through the loopback proxy (the stand-in answers for both).
    warehouse.state.username, warehouse.state.private_reads = "token", True
    warehouse.state.upload_path = "/corp/wheels/"
    warehouse.state.simple_path = "/basic/corp/wheels/python/simple/"
    configure(sandbox, "http://python.cloudsmith.io/corp/wheels/", "allow-insecure-http = true")
    project = sandbox.project()
    built = project.build(("wheel",))
    proxy = {"HTTP_PROXY": warehouse.origin, "http_proxy": warehouse.origin, "NO_PROXY": "", "no_proxy": ""}

    first = publish(project, user="token", env=proxy)
    again = publish(project, user="token", env=proxy)

    assert first.returncode == 0, first.output
    simple = "http://dl.cloudsmith.io/basic/corp/wheels/python/simple/"
    assert f"simple API {simple} (Cloudsmith's download host)" in first.output
    assert again.output.count("... already exists") == len(built)
    hosts = {host.split("/")[0] for method, host, _ in warehouse.state.requests if method == "GET"}
    assert hosts == {"dl.cloudsmith.io"}


def test_an_index_taking_uploads_at_its_simple_url_is_used_as_given(sandbox, warehouse):
    """Some private indexes document `…/simple/` as their upload URL: it is used, and is its own simple API."""
    warehouse.state.upload_path = "/simple/"
    configure(sandbox, f"{warehouse.origin}/simple/")
    project = sandbox.project()
    built = project.build()

    first = publish(project)
    again = publish(project)

    assert first.returncode == 0, first.output
    assert "(the upload URL itself: it names a simple API)" in first.output
    assert f"Confirmed: the index lists {built[0].name}" in first.output
    assert again.returncode == 0, again.output
    assert again.output.count("... already exists") == len(built)
    assert listed(warehouse, project) == {path.name for path in built}


def test_a_simple_page_redirected_to_another_origin_is_read_there_without_credentials(sandbox, warehouse):
    with WarehouseServer("the-cdn-takes-no-uploads") as cdn:
        cdn.state.files = warehouse.state.files  # a CDN in front of the index: its files, on another origin
        warehouse.state.private_reads, warehouse.state.simple_redirect = True, cdn.origin
        configure(sandbox, warehouse.upload_url)
        project = sandbox.project()
        built = project.build()

        first = publish(project)
        again = publish(project)

        assert first.returncode == 0, first.output
        assert f"Confirmed: the index lists {built[0].name}" in first.output
        assert again.output.count("... already exists") == len(built)
        assert [path for method, path, _ in cdn.state.requests if method == "GET"]
        assert cdn.state.authorized_reads == []  # the index's credentials never went to the CDN


def test_a_simple_api_that_is_not_where_it_was_derived_is_could_not_confirm_never_not_stored(sandbox, warehouse):
    warehouse.state.upload_path = "/upload/"
    warehouse.state.simple_path = "/pypi/simple/"  # not under the upload URL, as guessed
    configure(sandbox, f"{warehouse.origin}/upload/")
    project = sandbox.project()
    built = project.build(("wheel",))

    result = publish(project)

    assert result.returncode == 0, result.output
    assert (
        f"accepted by the index; could not confirm: the index's simple API was not found at {warehouse.origin}/upload/"
        "simple/"
    ) in result.output
    assert "set `simple-url` to where the index lists its files" in result.output
    assert "not stored" not in result.output
    assert "Not on the index" not in result.output
    assert "1 uploaded" not in result.output
    assert "1 accepted, not confirmed" in result.output
    assert listed(warehouse, project) == {built[0].name}


def test_an_index_that_dies_after_one_file_is_told_file_by_file(sandbox, warehouse):
    # The first file is stored, then the index goes away.
    warehouse.state.faults += [Fault(FaultKind.NONE), Fault(FaultKind.DIE)]
    configure(sandbox, warehouse.upload_url)
    project = sandbox.project()
    sdist, wheel = project.build()

    result = publish(project, "-o", "retries=1", "-o", "report=report.json")

    assert result.returncode == 1, result.output
    assert listed(warehouse, project) == {sdist.name}
    assert "Nothing was uploaded" not in result.output
    assert "nothing was uploaded" not in result.output
    assert f"Accepted by the index, not confirmed: {sdist.name}" in result.output
    assert f"Not on the index: dist/{wheel.name}" in result.output
    report = json.loads((project.root / "report.json").read_text())
    assert {Path(entry["file"]).name: entry["status"] for entry in report["files"]} == {
        sdist.name: "accepted, not confirmed",
        wheel.name: "failed",
    }


def test_ctrl_c_at_the_password_prompt_is_an_interruption_not_a_bug(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index.repos.local]\nurl = "{pypiserver.url}"\n')
    project = sandbox.project()
    project.build()

    child = sandbox.spawn(project, "-o", "repo=local", "-u", "alice")
    child.expect_exact("Password for alice at local: ")
    child.sendintr()
    code, output = finish(child)

    assert code == 130, output
    assert "Interrupted before any upload; nothing was uploaded" in output
    assert "bug" not in output
    assert not [name for name in pypiserver.files() if name.startswith(project.name.replace("-", "_"))]
    assert PYPISERVER_USERS["alice"] not in output
