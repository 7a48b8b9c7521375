"""The README's configuration reference must list every option of the registry, with its environment variable, where
it may be given, Hatch's flag for it and whether Hatch's `[publish.index]` gives it."""

from __future__ import annotations

from pathlib import Path

from hatch_custom_index.hatch_flags import FLAGS
from hatch_custom_index.settings import CLI, HATCH, HATCH_INDEX_OPTIONS, OPTIONS, PROJECT, REPO

README = (Path(__file__).parent.parent / "README.md").read_text()


def reference_rows() -> dict[str, str]:
    """The rows of the configuration reference's table, by option."""
    rows = {}
    section = README.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
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


def test_the_reference_says_where_each_option_may_be_given():
    def cell(option, scope):
        if scope in option.where:
            return "yes"
        return "refused" if option.credential and scope == PROJECT else "—"

    for name, row in reference_rows().items():
        option = OPTIONS[name]
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == cell(option, CLI), name
        assert cells[3:6] == [cell(option, PROJECT), cell(option, HATCH), cell(option, REPO)], name


def test_the_reference_names_hatch_s_flag_and_index_table_for_each_option():
    flags = dict(FLAGS.values())
    for name, row in reference_rows().items():
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[6] == (f"`{flags[name]}`" if name in flags else "—"), name
        assert cells[7] == ("yes" if name in HATCH_INDEX_OPTIONS else "—"), name
