"""The first ten minutes: a word for every common mistake, through the real `hatch publish -p custom-index`."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PYPISERVER_USERS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("variable", "instead"),
    [
        ("TWINE_PASSWORD", "HATCH_INDEX_AUTH"),
        ("HATCH_INDEX_PASSWORD", "HATCH_INDEX_AUTH"),
        ("HATCH_INDEX_TOKEN", "HATCH_INDEX_AUTH"),
        ("PYPI_TOKEN", "HATCH_INDEX_AUTH"),
        ("HATCH_INDEX_AUHT", "HATCH_INDEX_AUTH"),
    ],
)
def test_a_look_alike_variable_is_named_with_the_one_to_use(sandbox, pypiserver, variable, instead):
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-r", pypiserver.url, "-u", "alice", env={variable: PYPISERVER_USERS["alice"]})

    assert result.returncode == 1
    assert "No password or token for" in result.output
    assert f"{variable} is set but not read; use {instead}" in result.output
    assert not [name for name in pypiserver.files() if name.startswith(project.name.replace("-", "_"))]
