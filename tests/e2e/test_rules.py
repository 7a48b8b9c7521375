"""PyPI's upload rules through the real `hatch publish -p custom-index`: what PyPI would refuse never leaves the
machine, what it takes goes up untouched, and a private index gets what only PyPI refuses, with one note."""

from __future__ import annotations

import hashlib
import warnings

import pytest

from tests.corpus import (
    CASES,
    DISTUTILS_UNKNOWN,
    MODULE,
    NAME,
    distutils_unknowns,
    valid_unusual,
    wheel_members,
    wheel_path,
    write_zip,
)
from tests.e2e.conftest import PYPISERVER_USERS, WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")


def configure(sandbox, warehouse) -> None:
    sandbox.write_config(
        f'[publish.custom-index.repos.warehouse]\nurl = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )


def broken_corpus(dist):
    dist.mkdir(exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate member it is asked to write
        return [case.make(dist) for case in CASES]


def test_nothing_pypi_would_refuse_leaves_the_machine(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    paths = broken_corpus(project.dist)

    result = project.publish("-o", "repo=warehouse", "-o", "rules=pypi", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 1, result.output
    assert "Nothing was uploaded: the batch has" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    for case, path in zip(CASES, paths, strict=False):
        assert any(line.startswith(f"  - {path}: ") and case.reason in line for line in lines), case.id
    assert len(lines) == len(CASES) + 1  # the file that is both a zip and a tar has its framing refused too
    assert "-o rules=standards" in result.output
    assert warehouse.state.requests == [], "a request was made for a batch that cannot be published"
    assert warehouse.state.uploads == []
    assert "Traceback" not in result.output
    assert WAREHOUSE_TOKEN not in result.output


def test_a_dry_run_lists_the_same_problems(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    paths = broken_corpus(project.dist)

    result = project.publish(
        "-o", "repo=warehouse", "-o", "rules=pypi", "-o", "dry-run=true", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN}
    )

    assert result.returncode == 1
    assert f"Nothing was uploaded: the batch has {len(CASES) + 1} problems" in result.output
    assert all(str(path) in result.output for path in paths)
    assert warehouse.state.requests == []


def test_valid_unusual_files_go_up_untouched_under_pypis_rules(sandbox, warehouse):
    # The stand-in validates each form as Warehouse's parse_form_metadata does: a form PyPI refuses is a 400 here too.
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.dist.mkdir()
    paths = valid_unusual(project.dist)

    result = project.publish("-o", "repo=warehouse", "-o", "rules=pypi", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 0, result.output
    assert "Note: PyPI" not in result.output
    uploaded = {upload.filename: upload for upload in warehouse.state.uploads}
    assert set(uploaded) == {path.name for path in paths}
    for path in paths:
        assert uploaded[path.name].content == path.read_bytes()
        assert uploaded[path.name].field("sha256_digest") == hashlib.sha256(path.read_bytes()).hexdigest()
    old = uploaded[f"{MODULE}-2.0.1-py3-none-any.whl"]
    assert old.field("metadata_version") == "2.1"
    assert "license_file" not in old.fields  # newer than Metadata 2.1: PyPI would answer 400
    spdx = uploaded[f"{MODULE}-2.0.2-py3-none-any.whl"]
    assert spdx.field("license_expression") == "MIT OR Apache-2.0"
    assert spdx.fields["license_file"] == ["LICENSE", "licenses/NOTICE.txt"]
    assert uploaded[f"{MODULE}-2.0.3-py3-none-any.whl"].fields["import_name"] == ["corpus_demo"]
    assert old.field("requires_python") == ""  # always present: GitLab refuses a form without it
    markdown = uploaded[f"{MODULE}-2.0.4-py3-none-any.whl"]
    assert markdown.field("description").startswith("# Title")
    empty = uploaded[f"{MODULE}-2.0.9-py3-none-any.whl"]  # empty values: absent to Warehouse, left out
    assert not {"home_page", "description_content_type", "requires_dist", "classifiers", "provides_dist"} & set(
        empty.fields
    )


def test_fields_distutils_left_unknown_are_left_out_of_the_form_and_pypi_takes_the_file(sandbox, warehouse):
    # Warehouse's `sanitize` deletes every form field whose value is UNKNOWN before it validates anything: what is
    # left is what the rules check, and what the form carries.
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.dist.mkdir()
    path = distutils_unknowns(project.dist)

    result = project.publish("-o", "repo=warehouse", "-o", "rules=pypi", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 0, result.output
    assert "Note: PyPI" not in result.output
    (upload,) = warehouse.state.uploads
    assert upload.filename == path.name
    assert upload.content == path.read_bytes()
    assert not {*DISTUTILS_UNKNOWN, "description"} & set(upload.fields), upload.fields
    assert "UNKNOWN" not in str(upload.fields)
    assert (upload.field("name"), upload.field("version"), upload.field("metadata_version")) == (NAME, "2.0.8", "2.1")


def test_a_private_index_takes_what_only_pypi_refuses_with_one_note(sandbox, pypiserver):
    name = f"private-{sandbox.root.name[-8:]}".lower().replace("_", "-")
    module = name.replace("-", "_")
    sandbox.write_config(f'[publish.custom-index.repos.local]\nurl = "{pypiserver.url}"\nuser = "alice"\n')
    project = sandbox.project()
    project.dist.mkdir()
    local = write_zip(
        wheel_path(project.dist, "1.0+corp.1", name=module), wheel_members("1.0+corp.1", name=name, module=module)
    )
    linux = write_zip(
        wheel_path(project.dist, "1.0", "cp311-cp311-linux_x86_64", name=module),
        wheel_members("1.0", name=name, module=module),
    )

    result = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": PYPISERVER_USERS["alice"]})
    verbose = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": PYPISERVER_USERS["alice"]}, verbose=1)

    assert result.returncode == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("Note: PyPI")]
    assert notes == [
        "Note: PyPI's own rules would refuse 2 files (local version; platform tag linux_x86_64); they do not apply "
        "to this index (option `rules`), so nothing is held back; -v lists them"
    ]
    held = pypiserver.files()
    assert held[local.name] == local.read_bytes()
    assert held[linux.name] == linux.read_bytes()
    assert "The use of local versions in '1.0+corp.1' is not allowed." in verbose.output
    assert f"Binary wheel '{linux.name}' has an unsupported platform tag 'linux_x86_64'." in verbose.output


def test_pypi_is_held_to_its_rules_by_default_before_any_request(sandbox, warehouse):
    # Every request goes through the loopback proxy, so none may reach PyPI (or try to).
    proxy = dict.fromkeys(PROXY_VARIABLES, warehouse.origin) | {"NO_PROXY": "", "no_proxy": ""}
    project = sandbox.project()
    project.dist.mkdir()
    local = write_zip(wheel_path(project.dist, "1.0+corp.1"), wheel_members("1.0+corp.1"))

    result = project.publish("-r", "main", "-a", "pypi-not-a-real-token", env=proxy)

    assert result.returncode == 1
    assert f"{local}: The use of local versions in '1.0+corp.1' is not allowed." in result.output
    assert warehouse.state.requests == []
    assert "pypi-not-a-real-token" not in result.output


def test_a_private_index_takes_every_file_only_pypi_refuses(sandbox, pypiserver):
    # The whole corpus of what PyPI alone refuses, to pypiserver with the default rules: all of it goes up, one note.
    sandbox.write_config(f'[publish.custom-index.repos.local]\nurl = "{pypiserver.url}"\nuser = "alice"\n')
    project = sandbox.project()
    project.dist.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = [case.make(project.dist) for case in CASES if case.authority == "pypi"]

    result = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": PYPISERVER_USERS["alice"]})

    assert result.returncode == 0, result.output
    (note,) = [line for line in result.output.splitlines() if line.startswith("Note: PyPI")]
    assert note.startswith(f"Note: PyPI's own rules would refuse {len(paths) - 1} files (")  # rendering: PyPI only
    assert " more); they do not apply to this index" in note
    held = pypiserver.files()
    assert all(held[path.name] == path.read_bytes() for path in paths)
