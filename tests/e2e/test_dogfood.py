"""Our own release passes PyPI's rules: this checkout's sdist and wheel, built with hatchling, go through the plugin's
PyPI preflight with no finding, and up to the Warehouse stand-in with `-o rules=pypi`.

PyPI scans the `.py` members of every upload with its YARA rules (`warehouse/utils/scanner_rules/`); a rule or a test
that spelled a scanner's needle literally would make this project unpublishable there.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from devtools.projects import build
from hatch_custom_index.artifacts import read_batch
from tests.e2e.conftest import WAREHOUSE_TOKEN

if TYPE_CHECKING:
    from hatch_custom_index.rules import Finding

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture(scope="module")
def own_release(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """This project's sdist and wheel, built from the working tree into a temporary directory."""
    return build(ROOT, directory=tmp_path_factory.mktemp("own-release"))


def test_our_own_release_has_no_pypi_finding(own_release):
    notes: list[tuple[Path, Finding]] = []

    batch = read_batch(own_release, pypi_rules=True, notes=notes)

    assert sorted(artifact.name for artifact in batch) == sorted(path.name for path in own_release)
    assert [artifact.filetype for artifact in batch] == ["sdist", "bdist_wheel"]
    assert notes == []


def test_our_own_release_goes_up_to_the_warehouse_stand_in(sandbox, warehouse, own_release):
    sandbox.write_config(
        f'[publish.custom-index.repos.warehouse]\nurl = "{warehouse.upload_url}"\nsimple-url = "{warehouse.simple_url}"\n'
    )
    project = sandbox.project()
    project.dist.mkdir()
    for path in own_release:
        shutil.copy(path, project.dist)

    result = project.publish("-o", "repo=warehouse", "-o", "rules=pypi", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 0, result.output
    assert "PyPI" not in result.output, result.output
    uploaded = {upload.filename: upload for upload in warehouse.state.uploads}
    assert set(uploaded) == {path.name for path in own_release}
    assert all(uploaded[path.name].content == path.read_bytes() for path in own_release)
    (wheel,) = [upload for name, upload in uploaded.items() if name.endswith(".whl")]
    assert wheel.fields["project_urls"] == [
        "Source, https://github.com/hatch-custom-index/hatch-custom-index",
        "Issues, https://github.com/hatch-custom-index/hatch-custom-index/issues",
        "Changelog, https://github.com/hatch-custom-index/hatch-custom-index/releases",
    ]
