"""What dist/ and an index send that the plugin does not control: third-party wheels below dist/, a FIFO, file names
and index messages built to forge lines or drive the terminal. Every line printed is the plugin's own."""

from __future__ import annotations

import os
import shutil

import pytest

from devtools.warehouse import Fault, FaultKind
from tests.e2e.conftest import PYPISERVER_USERS, WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e

ALICE = ("-u", "alice", "-a", PYPISERVER_USERS["alice"])


def held(pypiserver, project) -> set[str]:
    prefix = project.name.replace("-", "_")
    return {name for name in pypiserver.files() if name.startswith((prefix, "third_party"))}


def test_wheels_below_dist_are_not_published_as_ours(sandbox, pypiserver):
    project = sandbox.project()
    built = project.build()
    deps = project.dist / "deps"
    deps.mkdir()
    shutil.copy(built[1], deps / "third_party-9.9-py3-none-any.whl")  # what `pip download -d dist/deps` leaves

    result = project.publish("-r", pypiserver.url, *ALICE, verbose=1)

    assert result.returncode == 0, result.output
    assert held(pypiserver, project) == {path.name for path in built}
    assert "Not looked into: dist/deps/ (a directory's own files are published, as Hatch does" in result.output
    assert "third_party" not in result.output.replace("Not looked into: dist/deps/", "")


def test_a_file_below_dist_goes_up_when_given_by_a_glob(sandbox, pypiserver):
    project = sandbox.project()
    _, wheel = project.build()
    (project.dist / "wheels").mkdir()
    wheel.rename(project.dist / "wheels" / wheel.name)

    result = project.publish("-r", pypiserver.url, *ALICE, "dist/wheels/*.whl")

    assert result.returncode == 0, result.output
    assert held(pypiserver, project) == {wheel.name}


@pytest.mark.parametrize("given", [(), ("dist/evil-1.0-py3-none-any.whl",)])
def test_a_fifo_is_not_a_regular_file_and_nothing_is_read_from_it(sandbox, pypiserver, given):
    project = sandbox.project()
    project.build()
    os.mkfifo(project.dist / "evil-1.0-py3-none-any.whl")  # reading it would wait forever

    result = project.publish("-r", pypiserver.url, *ALICE, *given)

    assert result.returncode == 1
    assert "evil-1.0-py3-none-any.whl is not a regular file (a FIFO)" in result.output
    assert "does not exist" not in result.output
    assert held(pypiserver, project) == set()


def test_file_names_with_escapes_and_line_breaks_are_shown_escaped(sandbox, pypiserver):
    project = sandbox.project()
    built = project.build()
    hostile = "notes\x1b[2K\r\n::warning::forged\u2028x.txt"
    (project.dist / hostile).write_text("x")

    result = project.publish("-r", pypiserver.url, *ALICE)

    assert result.returncode == 0, result.output
    assert "Passing over dist/notes\\x1b[2K\\r\\n::warning::forged\\u2028x.txt: not a wheel" in result.output
    assert "\x1b" not in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("::")]
    assert held(pypiserver, project) == {path.name for path in built}


def test_many_other_files_are_one_line_and_v_lists_them(sandbox, pypiserver):
    project = sandbox.project()
    project.build()
    for number in range(25):
        (project.dist / f"log-{number:02}.txt").write_text("x")

    quiet = project.publish("-r", pypiserver.url, *ALICE)
    verbose = project.publish("-r", pypiserver.url, *ALICE, verbose=1)

    assert quiet.returncode == 0, quiet.output
    assert "Passing over 25 files that are not wheels or source distributions (-v lists them)" in quiet.output
    assert "Passing over dist/log-" not in quiet.output
    assert verbose.output.count("Passing over dist/log-") == 25


def test_an_index_message_cannot_forge_lines_of_ours(sandbox, warehouse):
    sandbox.write_config(f'[publish.custom-index.repos.wh]\nurl = "{warehouse.upload_url}"\n')
    warehouse.state.faults.append(Fault(FaultKind.FORGED_LINES))
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=wh", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN}, verbose=2)

    assert result.returncode == 1
    assert "400 Bad Request: Bad upload\n    dist/evil.whl ... success\\u2028Uploading done\\u2029" in result.output
    assert not [
        line for line in result.output.splitlines() if line.startswith(("dist/evil.whl", "::", "Uploading done"))
    ]
    assert "\r" not in result.output
    assert "\x85" not in result.output
    assert WAREHOUSE_TOKEN not in result.output


@pytest.mark.parametrize("where", ["option", "repos table"])
def test_a_line_break_in_a_configured_url_is_a_configuration_error_naming_the_key(sandbox, pypiserver, where):
    project = sandbox.project()
    project.build(("wheel",))
    broken = pypiserver.url + "\r\nX-Injected: 1"  # a header smuggled into the request line
    if where == "option":
        args = ("-o", f"repo={broken}")
    else:
        sandbox.write_config(f'[publish.custom-index.repos.local]\nurl = "{pypiserver.url}\\r\\nX-Injected: 1"\n')
        args = ("-r", "local")

    result = project.publish(*args, *ALICE)

    assert result.returncode == 1
    assert "holds a control character or a space" in result.output
    assert f"{pypiserver.url}\\r\\nX-Injected: 1" in result.output
    assert ("option `-o repo`" if where == "option" else "publish.custom-index.repos.local") in result.output
    assert "This is a bug" not in result.output
    assert held(pypiserver, project) == set()


def test_a_publishable_name_with_escapes_is_refused_and_shown_escaped(sandbox, pypiserver):
    project = sandbox.project()
    _, wheel = project.build()
    hostile = project.dist / "evil\x1b[2K\u2028-1.0-py3-none-any.whl"
    wheel.rename(hostile)

    result = project.publish("-r", pypiserver.url, *ALICE)

    assert result.returncode == 1
    assert "evil\\x1b[2K\\u2028-1.0-py3-none-any.whl" in result.output
    assert "\x1b" not in result.output
    assert "\u2028" not in result.output
    assert held(pypiserver, project) == set()
