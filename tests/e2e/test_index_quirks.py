"""Each index's known ways, met without configuration: how a re-upload is answered, an existence check that may not
read, a simple-API URL given where the upload URL belongs, the fields some indexes require."""

from __future__ import annotations

import pytest

from devtools.warehouse import Fault
from tests.e2e.conftest import WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e


def configure(sandbox, warehouse) -> None:
    sandbox.write_config(
        f'[publish.custom-index.repos.warehouse]\nurl = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )


def publish(project, *args: str):
    return project.publish("-o", "repo=warehouse", *args, env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})


def posts(warehouse) -> int:
    return sum(1 for method, _, _ in warehouse.state.requests if method == "POST")


@pytest.mark.parametrize("status", [403, 409, 400])
def test_a_reupload_refused_as_artifactory_codeartifact_or_nexus_do_is_already_there_when_listed(
    sandbox, warehouse, status
):
    # The simple page lags (a CDN), so the file is sent again; the index refuses it the way Artifactory (403),
    # CodeArtifact (409) or Nexus (400) do, in words of its own. The simple API then lists it with the same sha256.
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build(("wheel",))
    assert publish(project).returncode == 0
    warehouse.state.get_faults.append(Fault.status(404))
    warehouse.state.faults.append(Fault.status(status))

    result = publish(project)

    assert result.returncode == 0, result.output
    assert "... already exists" in result.output
    assert len(warehouse.state.uploads) == 1


def test_a_refusal_of_a_file_the_index_does_not_list_shows_the_index_s_words(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build(("wheel",))
    warehouse.state.faults.append(Fault.status(403))

    result = publish(project)

    assert result.returncode == 1, result.output
    assert "403" in result.output
    assert "403 Forbidden: Injected 403" in result.output, result.output
    assert "already exists" not in result.output
    assert WAREHOUSE_TOKEN not in result.output


def test_an_index_that_will_not_list_its_files_gets_nothing(sandbox, warehouse):
    # uv issue 16073: a 401 on the existence check, an upload anyway, and Artifactory replaced a released file.
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build()
    warehouse.state.get_faults += [Fault.status(403), Fault.status(403)]  # anonymous, then with the credentials

    result = publish(project)

    assert result.returncode == 1
    assert (
        f"Nothing was uploaded: could not check {warehouse.simple_url}{project.name}/ for files already there: 403"
        in (result.output)
    )
    assert "Give the credentials read access to the index, or set `simple-url`" in result.output
    assert posts(warehouse) == 0
    assert WAREHOUSE_TOKEN not in result.output


def test_devpi_s_simple_url_given_as_the_upload_url_names_the_right_one(sandbox, devpi):
    # uv issue 15021: devpi answers an upload to `+simple/` with 200 and stores nothing. It is caught by its answer
    # (devpi-server says who it is when its simple page is read), not by the URL's shape.
    project = sandbox.project()
    project.build()

    result = project.publish("-o", f"repo={devpi.url}+simple/", "-u", devpi.user, "-a", devpi.password)

    assert result.returncode == 1
    assert (
        "is devpi-server's simple API, where it lists files: it answers an upload there with success" in result.output
    )
    assert result.output.rstrip().endswith(f"upload to {devpi.url}")
    assert devpi.files(project.name) == {}
    assert devpi.password not in result.output
