"""Did you mean: the nearest real name, and the variables of other tools that are not read."""

from __future__ import annotations

from hatch_custom_index.suggest import did_you_mean, look_alike_variables, nearest

READ = ["HATCH_INDEX_USER", "HATCH_INDEX_AUTH", "HATCH_INDEX_REPO", "HATCH_INDEX_CA_CERT"]


def test_the_nearest_name_or_none() -> None:
    assert nearest("compnay", ["company", "main", "test"]) == "company"
    assert nearest("jbos", ["jobs", "timeout", "repo"]) == "jobs"
    assert nearest("zzz", ["company", "main"]) is None


def test_did_you_mean_ends_the_sentence() -> None:
    assert did_you_mean("compnay", ["company"]) == ": did you mean 'company'?"
    assert did_you_mean("zzz", ["company"]) == "."


def test_other_tools_variables_and_mistyped_ones_are_named_with_the_one_to_use() -> None:
    environ = {
        "TWINE_PASSWORD": "x",
        "HATCH_INDEX_PASSWORD": "x",
        "HATCH_INDEX_AUHT": "x",
        "PYPI_TOKEN": "x",
        "HATCH_INDEX_USER": "read",
        "PATH": "/bin",
        "TWINE_USERNAME": "",  # set empty: nothing to say
    }
    assert look_alike_variables(environ, READ) == [
        "HATCH_INDEX_AUHT is set but not read; use HATCH_INDEX_AUTH",
        "HATCH_INDEX_PASSWORD is set but not read; use HATCH_INDEX_AUTH",
        "PYPI_TOKEN is set but not read; use HATCH_INDEX_AUTH",
        "TWINE_PASSWORD is set but not read; use HATCH_INDEX_AUTH",
    ]
