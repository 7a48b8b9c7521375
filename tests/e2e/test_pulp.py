"""The real `hatch publish -p custom-index` against a real Pulp (pulpcore + pulp-python on PostgreSQL).

Pulp answers an upload 202 with a task (stored when its worker runs it), or 200 in grouped mode (stored about 5 s
later), a name it holds 400, a wrong password 401, and serves the simple API beside the upload URL:
`/pypi/<base>/simple/`, not `/pypi/<base>/legacy/simple/`. What an index holds is read from Pulp's REST API, and the
upload requests from its access log. See devtools/pulp.py.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest

from devtools.pulp import PulpIndex, PulpServer, unavailable

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.conftest import Project, Result

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.pulp]

DIFFERENT_FILE = "the index already holds a different file of that name"


@pytest.fixture(scope="session")
def pulp(tmp_path_factory: pytest.TempPathFactory):
    if reason := unavailable():
        pytest.skip(f"no Pulp here: {reason}")
    with PulpServer(tmp_path_factory.mktemp("pulp")) as server:
        yield server


@pytest.fixture
def index(pulp: PulpServer) -> PulpIndex:
    """A fresh, empty index of its own for each test."""
    return pulp.create_index()


def digests(paths: list[Path]) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(paths)}


def publish(project: Project, url: str, password: str, *options: str, verbose: int = 0) -> Result:
    """`hatch publish -p custom-index -r URL -u admin -a PASSWORD`: the upload URL alone, as Pulp's docs give it."""
    result = project.publish("-r", url, "-u", "admin", "-a", password, *options, verbose=verbose)
    assert password not in result.output
    return result


def test_the_upload_url_alone_publishes_an_sdist_and_a_wheel(sandbox, pulp, index):
    project = sandbox.project()
    built = project.build()

    result = publish(project, index.upload_url, pulp.password)

    assert result.returncode == 0, result.output
    assert pulp.files(index, project.name) == digests(built)
    for artifact in built:
        assert f"dist/{artifact.name} ... success" in result.stderr
    assert "2 uploaded" in result.stderr
    assert pulp.uploads(index) == [202, 202]
    # The project's page is the sibling simple API, not `.../legacy/simple/`.
    assert f"{index.simple_url}{project.name}/" in result.output
    assert "legacy/simple" not in result.output


def test_a_republish_finds_both_files_and_sends_nothing(sandbox, pulp, index):
    project = sandbox.project()
    built = project.build()
    pulp.add(index, *built)  # through Pulp's REST API

    result = publish(project, index.upload_url, pulp.password)

    assert result.returncode == 0, result.output
    assert result.stderr.count("... already exists") == 2
    for artifact in built:
        assert f"dist/{artifact.name} ... already exists" in result.stderr
    assert pulp.uploads(index) == []
    assert pulp.files(index, project.name) == digests(built)


def test_a_different_file_under_a_used_name_is_refused_and_the_original_kept(sandbox, pulp, index):
    project = sandbox.project(payload="first")
    original = digests(project.build())
    pulp.add(index, *(project.dist / name for name in original))
    for path in project.dist.iterdir():
        path.unlink()
    sandbox.project(project.name, payload="second")  # same name and version, other contents
    rebuilt = digests(project.build())
    assert rebuilt.keys() == original.keys()
    assert all(rebuilt[name] != original[name] for name in original)

    result = publish(project, index.upload_url, pulp.password)

    assert result.returncode != 0, result.output
    # Refused before sending: Pulp's simple page lists the names with their sha256. (Sent, Pulp would answer any name
    # it holds, same bytes or not, 400 "Package <file> already exists in index".)
    assert "Nothing was uploaded" in result.output
    for name in rebuilt:
        assert f"{name}: {DIFFERENT_FILE}" in result.output
    assert pulp.uploads(index) == []
    assert pulp.files(index, project.name) == original


def test_a_wrong_password_is_refused_and_nothing_stored(sandbox, pulp, index):
    project = sandbox.project()
    project.build()
    wrong = "wrong-pulp-pw-Zx81"

    result = publish(project, index.upload_url, wrong)

    assert result.returncode == 1, result.output
    assert "failed: 401 Unauthorized: Invalid username/password." in result.output  # Pulp's own words
    assert "the index refused the credentials of user 'admin'" in result.output
    assert "Not on the index:" in result.output
    assert pulp.uploads(index) == [401]  # the first refusal stops the batch
    assert pulp.files(index, project.name) == {}


def test_grouped_uploads_answered_200_are_confirmed_once_stored(sandbox, pulp, index):
    project = sandbox.project()
    built = project.build()

    # Pulp stores a session's grouped uploads in one task 5 s after the last of them: both files are listed about 6 s
    # after the first upload here. The read-back asks at least every 2 s, within the default `confirm` (30 s).
    result = publish(project, index.grouped_upload_url, pulp.password, verbose=1)
    assert result.returncode == 0, result.output
    assert pulp.uploads(index) == [200, 200]
    assert pulp.files(index, project.name) == digests(built)
    for artifact in built:
        assert f"dist/{artifact.name} ... success" in result.stderr
    assert "not listed" not in result.output
    assert f"Confirmed: the index lists {built[0].name}" in result.output


def test_simple_url_given_in_a_repos_table(sandbox, pulp, index):
    sandbox.write_config(
        "[publish.custom-index.repos.pulp]\n"
        f'url = "{index.upload_url}"\n'
        f'simple-url = "{index.simple_url}"\n'
        'user = "admin"\n'
    )
    project = sandbox.project()
    built = project.build()

    first = project.publish("-r", "pulp", env={"HATCH_INDEX_AUTH": pulp.password})

    assert first.returncode == 0, first.output
    assert pulp.files(index, project.name) == digests(built)
    assert pulp.uploads(index) == [202, 202]
    assert f"{index.simple_url}{project.name}/" in first.output

    again = project.publish("-r", "pulp", env={"HATCH_INDEX_AUTH": pulp.password})

    assert again.returncode == 0, again.output
    assert again.stderr.count("... already exists") == 2
    assert pulp.uploads(index) == [202, 202]
    assert pulp.password not in first.output + again.output
