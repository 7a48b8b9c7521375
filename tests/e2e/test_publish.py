"""The real `hatch publish -p custom-index` against pypiserver, devpi-server and a Warehouse-like index."""

from __future__ import annotations

import hashlib

import pytest

from tests.e2e.conftest import PYPISERVER_USERS, WAREHOUSE_TOKEN, upload_refusal
from tests.unit.builders import write_wheel

pytestmark = pytest.mark.e2e

ALICE = PYPISERVER_USERS["alice"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pypiserver_config(server, user: str = "alice") -> str:
    return f'[publish.custom-index.repos.local]\nurl = "{server.url}"\nuser = "{user}"\n'


def devpi_config(server) -> str:
    return f'[publish.custom-index.repos.devpi]\nurl = "{server.url}"\nuser = "{server.user}"\n'


# --- pypiserver -------------------------------------------------------------------------------------------------------


def test_first_publish_then_republish_on_pypiserver(sandbox, pypiserver):
    sandbox.write_config(pypiserver_config(pypiserver))
    project = sandbox.project()
    built = project.build()

    first = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE})

    assert first.returncode == 0, first.output
    held = pypiserver.files()
    for artifact in built:
        assert sha256(held[artifact.name]) == sha256(artifact.read_bytes())
        assert f"dist/{artifact.name} ... success" in first.stderr
    # The sdist goes first: it creates the release.
    assert first.stderr.index(".tar.gz ... success") < first.stderr.index(".whl ... success")
    assert f"{pypiserver.simple_url}{project.name}/" in first.output

    again = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE})

    assert again.returncode == 0, again.output
    assert again.stderr.count("... already exists") == 2
    assert ALICE not in first.output + again.output


def test_same_name_different_bytes_is_refused_before_any_upload(sandbox, pypiserver):
    sandbox.write_config(pypiserver_config(pypiserver))
    project = sandbox.project(payload="first")
    (wheel,) = project.build(("wheel",))
    assert project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE}).returncode == 0
    original = pypiserver.files()[wheel.name]

    wheel.unlink()
    project.sandbox.project(project.name, payload="second")  # same name and version, other contents
    rebuilt = project.build()

    result = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE})

    assert result.returncode != 0
    assert f"{wheel.name}: the index already holds a different file of that name" in result.output
    assert "Nothing was uploaded" in result.output
    held = pypiserver.files()
    assert held[wheel.name] == original
    assert not any(path.name in held for path in rebuilt if path.name != wheel.name)  # not the new sdist either
    assert ALICE not in result.output


def test_wrong_password_shows_the_server_answer_and_not_the_password(sandbox, pypiserver):
    sandbox.write_config(pypiserver_config(pypiserver))
    project = sandbox.project()
    project.build()
    wrong = "wrong-pw-Tm93LpX"

    result = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": wrong})

    assert result.returncode == 1
    assert upload_refusal(result.output, "local") == "403 Forbidden"
    assert "... failed" in result.stderr
    assert "Not on the index:" in result.output
    assert wrong not in result.output
    assert not any(name.startswith(project.name.replace("-", "_")) for name in pypiserver.files())


def test_a_broken_archive_stops_the_whole_batch(sandbox, pypiserver):
    sandbox.write_config(pypiserver_config(pypiserver))
    project = sandbox.project()
    project.build()
    broken = project.dist / f"{project.name.replace('-', '_')}-1.0.0-py2-none-any.whl"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    truncated = project.dist / f"{project.name.replace('-', '_')}-1.0.1.tar.gz"
    truncated.write_bytes((project.dist / f"{project.name.replace('-', '_')}-1.0.0.tar.gz").read_bytes()[:200])

    result = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE})

    assert result.returncode == 1
    assert "Nothing was uploaded: the batch has 2 problems" in result.output
    assert f"{broken}: not a readable wheel" in result.output
    assert f"{truncated}: not a readable source distribution" in result.output
    assert "Traceback" not in result.output
    assert not any(name.startswith(project.name.replace("-", "_")) for name in pypiserver.files())


def test_skip_existing_false_makes_a_file_already_there_an_error(sandbox, pypiserver):
    sandbox.write_config(pypiserver_config(pypiserver))
    project = sandbox.project()
    project.build()
    assert project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE}).returncode == 0

    result = project.publish("-o", "repo=local", "-o", "skip_existing=no", env={"HATCH_INDEX_AUTH": ALICE})

    assert result.returncode == 1
    assert "is already on the index (option `-o skip_existing` is false)" in result.output


def test_no_password_anywhere_names_the_places_looked(sandbox, pypiserver):
    sandbox.write_config(pypiserver_config(pypiserver))
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local")

    assert result.returncode == 1
    assert (
        "No password or token for local; looked in: option `-a/--auth` or `-o auth`, environment variable HATCH_INDEX_AUTH"
        in (result.output)
    )


def test_nothing_to_upload_needs_no_credentials(sandbox, pypiserver):
    sandbox.write_config(pypiserver_config(pypiserver))
    project = sandbox.project()
    project.build()
    assert project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE}).returncode == 0

    result = project.publish("-o", "repo=local")

    assert result.returncode == 0, result.output
    assert result.stderr.count("already exists") == 2


# --- where the repository and the settings come from ------------------------------------------------------------------


def test_project_config_names_the_repository_and_hatch_config_holds_the_user(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index]\nuser = "bob"\nrepos.corp = "{pypiserver.url}"\n')
    project = sandbox.project()
    with (project.root / "pyproject.toml").open("a") as pyproject:
        pyproject.write(f'\n[tool.hatch.publish.custom-index]\nrepo = "corp"\nrepos.corp = "{pypiserver.url}"\n')
    built = project.build()

    result = project.publish(env={"HATCH_INDEX_AUTH": PYPISERVER_USERS["bob"]})

    assert result.returncode == 0, result.output
    assert f"Publishing to corp ({pypiserver.url})" in result.output
    assert {path.name for path in built} <= set(pypiserver.files())


def test_credentials_in_project_config_are_refused(sandbox, pypiserver):
    project = sandbox.project()
    with (project.root / "pyproject.toml").open("a") as pyproject:
        pyproject.write(f'\n[tool.hatch.publish.custom-index.repos.corp]\nurl = "{pypiserver.url}"\nauth = "{ALICE}"\n')
    project.build()

    result = project.publish("-o", "repo=corp")

    assert result.returncode == 1
    assert "credentials don't belong in a project's config" in result.output
    assert ALICE not in result.output


def test_repo_by_url_from_the_environment(sandbox, pypiserver):
    project = sandbox.project()
    built = project.build()

    result = project.publish(
        env={"HATCH_INDEX_REPO": pypiserver.url, "HATCH_INDEX_USER": "alice", "HATCH_INDEX_AUTH": ALICE}
    )

    assert result.returncode == 0, result.output
    assert f"Publishing to {pypiserver.url}\n" in result.output  # the URL once, with no name to show
    assert {path.name for path in built} <= set(pypiserver.files())


def test_bad_settings_are_named_with_their_source(sandbox, pypiserver):
    sandbox.write_config(pypiserver_config(pypiserver) + "timeout = -3\n")
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": ALICE})

    assert result.returncode == 1
    assert "publish.custom-index.repos.local.timeout` must be a positive number of seconds" in result.output
    assert "hatch-config.toml" in result.output

    unknown = project.publish("-o", "repo=local", "-o", "colour=blue", env={"HATCH_INDEX_AUTH": ALICE})
    assert unknown.returncode == 1
    assert "option `-o colour` is unknown" in unknown.output

    hijack = project.publish("-o", "no_prompt=false", env={"HATCH_INDEX_AUTH": ALICE})
    assert hijack.returncode == 1
    assert "hatch publish --no-prompt" in hijack.output


def test_reserved_repository_names_keep_their_urls(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index.repos.main]\nurl = "{pypiserver.url}"\n')
    project = sandbox.project()
    project.build()

    result = project.publish(env={"HATCH_INDEX_AUTH": ALICE})

    assert result.returncode == 1
    assert "`main` is reserved for https://upload.pypi.org/legacy/" in result.output


# --- devpi-server -----------------------------------------------------------------------------------------------------


def test_first_publish_then_republish_on_devpi(sandbox, devpi):
    sandbox.write_config(devpi_config(devpi))
    project = sandbox.project()
    built = project.build()

    first = project.publish("-o", "repo=devpi", env={"HATCH_INDEX_AUTH": devpi.password}, verbose=True)

    assert first.returncode == 0, first.output
    assert "devpi-server stores one upload at a time: uploading one after another" in first.output
    assert devpi.files(project.name) == {path.name: sha256(path.read_bytes()) for path in built}
    release = devpi.project(project.name)["1.0.0"]
    assert release["classifiers"] == ["Programming Language :: Python :: 3", "Typing :: Typed"]
    assert release["requires_dist"] == ["packaging>=20", "tomli; python_version < '3.11'"]
    assert release["project_urls"] == [
        f"Homepage, https://example.org/{project.name}",
        f"Source, https://example.org/{project.name}/src",
    ]
    assert f"{devpi.simple_url}{project.name}/" in first.output

    again = project.publish("-o", "repo=devpi", env={"HATCH_INDEX_AUTH": devpi.password})

    assert again.returncode == 0, again.output
    assert again.stderr.count("... already exists") == 2


def test_devpi_different_bytes_and_wrong_password(sandbox, devpi):
    sandbox.write_config(devpi_config(devpi))
    project = sandbox.project(payload="one")
    (wheel,) = project.build(("wheel",))
    assert project.publish("-o", "repo=devpi", env={"HATCH_INDEX_AUTH": devpi.password}).returncode == 0
    before = devpi.files(project.name)

    wrong = "devpi-wrong-Hh38"
    refused = project.publish("-o", "repo=devpi", "-o", "skip-existing=true", env={"HATCH_INDEX_AUTH": wrong})
    assert refused.returncode == 0  # nothing to upload, so the password is never used

    wheel.unlink()
    sandbox.project(project.name, payload="two")
    project.build()
    result = project.publish("-o", "repo=devpi", env={"HATCH_INDEX_AUTH": devpi.password})
    assert result.returncode == 1
    assert "already holds a different file of that name" in result.output
    assert devpi.files(project.name) == before

    other = sandbox.project()
    other.build()
    denied = other.publish("-o", "repo=devpi", env={"HATCH_INDEX_AUTH": wrong})
    assert denied.returncode == 1
    assert upload_refusal(denied.output, "devpi") == "401 Unauthorized"
    assert wrong not in denied.output
    assert devpi.files(other.name) == {}


# --- a Warehouse-like index: what the form carries --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "path"), [(("-o", "md5=true"), "/legacy/"), ((), "/artifactory/api/pypi/pypi-local/")]
)
def test_md5_goes_where_asked_for_or_to_artifactory(sandbox, warehouse, option, path):
    warehouse.state.upload_path = path
    sandbox.write_config(
        f'[publish.custom-index.repos.warehouse]\nurl = "{warehouse.origin}{path}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    project = sandbox.project()
    _, wheel = project.build()

    result = project.publish("-o", "repo=warehouse", "-o", f"auth={WAREHOUSE_TOKEN}", *option)

    assert result.returncode == 0, result.output
    (form,) = [upload for upload in warehouse.state.uploads if upload.filename == wheel.name]
    assert form.field("md5_digest") == hashlib.md5(wheel.read_bytes(), usedforsecurity=False).hexdigest()


def test_the_form_carries_metadata_2_5_as_warehouse_reads_it(sandbox, warehouse):
    sandbox.write_config(
        "[publish.custom-index.repos.warehouse]\n"
        f'url = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    project = sandbox.project(extra='import-names = ["first_mod", "second_mod"]\nimport-namespaces = ["nsmod"]\n')
    sdist, wheel = project.build()

    result = project.publish("-o", "repo=warehouse", "-o", f"auth={WAREHOUSE_TOKEN}")

    assert result.returncode == 0, result.output
    assert [upload.filename for upload in warehouse.state.uploads] == [sdist.name, wheel.name]
    form = warehouse.state.uploads[1]
    assert form.username == "__token__"
    assert form.content == wheel.read_bytes()
    assert form.field("metadata_version") == "2.5"
    assert form.field("name") == project.name
    assert form.fields["import_name"] == ["first_mod", "second_mod"]
    assert form.fields["import_namespace"] == ["nsmod"]
    assert form.fields["classifiers"] == ["Programming Language :: Python :: 3", "Typing :: Typed"]
    assert form.fields["requires_dist"] == ["packaging>=20", "tomli; python_version < '3.11'"]
    assert form.fields["project_urls"] == [
        f"Homepage, https://example.org/{project.name}",
        f"Source, https://example.org/{project.name}/src",
    ]
    assert form.fields["license_file"] == ["LICENSE.txt"]
    assert form.field("keywords") == "demo, test"
    assert form.field("license_expression") == "MIT"
    assert form.field("filetype") == "bdist_wheel"
    assert form.field("pyversion") == "py3"
    assert form.field("sha256_digest") == sha256(wheel.read_bytes())
    assert "blake2_256_digest" not in form.fields  # no index needs it (Warehouse computes its own)
    assert "md5_digest" not in form.fields  # sent only where the index needs it (Artifactory, or option `md5`)
    assert form.field("requires_python") == ">=3.8"
    assert warehouse.state.uploads[0].field("requires_python") == ">=3.8"
    assert warehouse.state.uploads[0].field("filetype") == "sdist"
    assert warehouse.state.uploads[0].field("pyversion") == "source"
    assert WAREHOUSE_TOKEN not in result.output


def test_the_server_message_is_shown_and_a_token_in_it_is_scrubbed(sandbox, warehouse):
    sandbox.write_config(
        "[publish.custom-index.repos.warehouse]\n"
        f'url = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\nuser = "alice"\n'
    )
    project = sandbox.project()
    project.build()
    leaked = "pypi-AgEIcHlwaS5vcmcCJDEyMzQ1Njc4LWZha2U"

    result = project.publish("-o", "repo=warehouse", env={"HATCH_INDEX_AUTH": leaked})

    assert result.returncode == 1
    assert upload_refusal(result.output, "warehouse") == "403 Forbidden"
    assert "Username/Password authentication is no longer supported" in result.output
    assert leaked not in result.output
    assert warehouse.state.uploads == []


def test_an_index_that_wants_credentials_to_read_gets_them_from_its_own_host(sandbox, warehouse):
    warehouse.state.private_reads = True
    sandbox.write_config(
        f'[publish.custom-index.repos.private]\nurl = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    project = sandbox.project()
    project.build()
    env = {"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN}

    first = project.publish("-o", "repo=private", env=env)
    again = project.publish("-o", "repo=private", env=env, verbose=1)

    assert first.returncode == 0, first.output
    assert again.returncode == 0, again.output
    assert again.stderr.count("... already exists") == 2
    assert f"GET {warehouse.simple_url}{project.name}/ -> 401" in again.output
    assert f"GET {warehouse.simple_url}{project.name}/ -> 200" in again.output


def test_a_field_newer_than_the_files_metadata_version_is_left_out_of_the_form(sandbox, warehouse):
    # What setuptools 56-76 builds: License-File in Metadata 2.1, a form PyPI refuses with 400.
    sandbox.write_config(
        "[publish.custom-index.repos.warehouse]\n"
        f'url = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    project = sandbox.project()
    project.dist.mkdir()
    name = project.name.replace("-", "_")
    metadata = f"Metadata-Version: 2.1\nName: {project.name}\nVersion: 1.0.0\nLicense-File: LICENSE\nSummary: old\n"
    write_wheel(
        project.dist / f"{name}-1.0.0-py3-none-any.whl",
        {f"{name}-1.0.0.dist-info/METADATA": metadata.encode(), f"{name}/__init__.py": b""},
    )

    result = project.publish("-o", "repo=warehouse", "-o", f"auth={WAREHOUSE_TOKEN}")

    assert result.returncode == 0, result.output
    (form,) = warehouse.state.uploads
    assert form.field("metadata_version") == "2.1"
    assert form.field("summary") == "old"
    assert "license_file" not in form.fields
