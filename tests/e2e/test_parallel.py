"""Parallel uploads through the real `hatch publish -p custom-index`, against the Warehouse-like index on 127.0.0.1
answering each upload after a delay, as PyPI does while it checks a file."""

from __future__ import annotations

import shutil

import pytest

from devtools.warehouse import Fault, FaultKind
from tests.e2e.conftest import WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e

PLATFORMS = (
    "manylinux_2_17_x86_64",
    "manylinux_2_17_aarch64",
    "musllinux_1_2_x86_64",
    "macosx_11_0_arm64",
    "win_amd64",
)


@pytest.fixture
def release(sandbox, warehouse):
    """A release of an sdist and several platform wheels (copies of one wheel under platform tags)."""
    sandbox.write_config(
        "[publish.custom-index.repos.warehouse]\n"
        f'url = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    project = sandbox.project()
    _, wheel = project.build()
    for platform in PLATFORMS:
        shutil.copy(wheel, wheel.with_name(wheel.name.replace("py3-none-any", f"cp312-cp312-{platform}")))
    warehouse.state.delay = 0.3
    return project


def publish(project, *args: str):
    return project.publish("-o", "repo=warehouse", *args, env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})


def test_the_first_file_goes_alone_then_the_rest_in_parallel(release, warehouse):
    files = sorted(path.name for path in release.dist.iterdir() if path.suffix in {".whl", ".gz"})

    result = publish(release, "-o", "jobs=4")

    assert result.returncode == 0, result.output
    uploads = warehouse.state.uploads
    assert uploads[0].filename.endswith(".tar.gz")  # the sdist creates the release, alone
    assert sorted(upload.filename for upload in uploads) == files
    assert 1 < warehouse.state.max_in_flight <= 4
    lines = [line for line in result.stderr.splitlines() if line.endswith("... success")]
    assert lines[0].endswith(".tar.gz ... success")
    assert lines[1:] == sorted(lines[1:])  # printed in the plan's order, whatever order they finished in


def test_jobs_one_uploads_one_after_another(release, warehouse):
    result = publish(release, "-o", "jobs=1")

    assert result.returncode == 0, result.output
    assert warehouse.state.max_in_flight == 1
    assert len(warehouse.state.uploads) == len(PLATFORMS) + 2


def test_a_failure_stops_new_uploads_and_says_exactly_what_is_on_the_index(release, warehouse):
    warehouse.state.faults += [Fault(FaultKind.NONE), Fault.status(400)]  # the sdist lands, the next upload is refused

    result = publish(release, "-o", "jobs=2")

    assert result.returncode == 1
    held = set(warehouse.state.files[release.name])
    said_on = set(result.output.split("On the index: ", 1)[1].splitlines()[0].split(", "))
    said_missing = result.output.split("Not on the index: ", 1)[1].splitlines()[0].split(", ")
    assert said_on == held
    assert {name.rsplit("/", 1)[-1] for name in said_missing}.isdisjoint(held)
    assert len(said_on) + len(said_missing) == len(PLATFORMS) + 2
    assert len(held) < len(PLATFORMS) + 2  # not everything was attempted after the failure
    assert "400 Bad Request: Injected 400" in result.output
    assert "... not attempted" in result.stderr


def test_a_jobs_of_zero_is_refused(release):
    result = publish(release, "-o", "jobs=0")

    assert result.returncode == 1
    assert "option `-o jobs` must be a whole number, 1 or more, not '0'" in result.output
