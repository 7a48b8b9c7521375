"""The README's configuration reference must list every option of the registry, with its environment variable."""

from __future__ import annotations

from pathlib import Path

from hatch_custom_index.settings import OPTIONS

README = (Path(__file__).parent.parent / "README.md").read_text()


def reference_rows() -> dict[str, str]:
    rows = {}
    for line in README.splitlines():
        if line.startswith("| `"):
            name = line.split("`")[1]
            rows[name] = line
    return rows


def test_every_option_has_a_reference_row_with_its_environment_variable():
    rows = reference_rows()
    assert set(rows) == set(OPTIONS)
    for option in OPTIONS.values():
        cells = [cell.strip() for cell in rows[option.name].strip("|").split("|")]
        assert cells[2] == (f"`{option.env}`" if option.env else "—"), option.name
