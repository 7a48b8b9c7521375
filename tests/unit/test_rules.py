"""The upload rules, file by file: each broken file of the corpus refused with PyPI's reason, the valid but unusual
ones and real builds passed untouched, and what only PyPI refuses kept as a note for other indexes."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import pytest

from hatch_custom_index.artifacts import read_batch
from hatch_custom_index.errors import ArtifactError
from hatch_custom_index.rules import Authority, Finding, hygiene, unapplied_note
from hatch_custom_index.rules.platforms import accepted_platform
from tests.corpus import CASES, PYPI, Case, valid_unusual
from tests.unit.builders import build

if TYPE_CHECKING:
    from pathlib import Path


def make(case: Case, directory: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        return case.make(directory)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_file_breaking_a_rule_is_refused_with_pypis_reason(case: Case, tmp_path: Path) -> None:
    path = make(case, tmp_path)

    with pytest.raises(ArtifactError) as caught:
        read_batch([path], pypi_rules=True)

    message = str(caught.value)
    assert message.startswith("Nothing was uploaded"), message
    problems = [line for line in message.splitlines() if line.startswith("  - ")]
    assert any(line.startswith(f"  - {path}: ") and case.reason in line for line in problems), message
    assert (case.authority == PYPI) == ("(PyPI's rule)" in message)


COSTLY = {"rst-description"}  # rendering loads docutils: only where PyPI's rules refuse


@pytest.mark.parametrize("case", [c for c in CASES if c.authority == PYPI and c.id not in COSTLY], ids=lambda c: c.id)
def test_what_only_pypi_refuses_is_a_note_for_other_indexes(case: Case, tmp_path: Path) -> None:
    path = make(case, tmp_path)
    notes: list[tuple[Path, Finding]] = []

    batch = read_batch([path], pypi_rules=False, notes=notes)

    assert [artifact.path for artifact in batch] == [path]
    assert notes
    assert all(finding.authority is Authority.PYPI for _, finding in notes)
    assert any(case.reason in finding.message for _, finding in notes)


def test_a_description_is_rendered_only_where_pypis_rules_refuse(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.id in COSTLY]
    path = make(case, tmp_path)
    notes: list[tuple[Path, Finding]] = []

    assert len(read_batch([path], pypi_rules=False, notes=notes)) == 1

    assert notes == []
    with pytest.raises(ArtifactError, match="failed to render"):
        read_batch([path], pypi_rules=True)


def test_every_problem_of_every_file_is_listed_at_once(tmp_path: Path) -> None:
    paths = [make(case, tmp_path) for case in CASES]

    with pytest.raises(ArtifactError) as caught:
        read_batch(paths, pypi_rules=True)

    message = str(caught.value)
    for case, path in zip(CASES, paths, strict=False):
        assert f"  - {path}: " in message, case.id
        assert case.reason in message, case.id


def test_valid_unusual_files_pass_pypis_rules(tmp_path: Path) -> None:
    paths = valid_unusual(tmp_path)
    notes: list[tuple[Path, Finding]] = []

    batch = read_batch(paths, pypi_rules=True, notes=notes)

    assert sorted(a.path for a in batch) == sorted(paths)
    assert notes == []


def test_real_builds_pass_pypis_rules(tmp_path: Path) -> None:
    wheel, sdist = build(tmp_path / "project", tmp_path / "dist")
    notes: list[tuple[Path, Finding]] = []

    assert len(read_batch([wheel, sdist], pypi_rules=True, notes=notes)) == 2
    assert notes == []


def test_a_file_over_pypis_size_limit_is_a_warning_not_a_refusal(tmp_path: Path, monkeypatch) -> None:
    wheel, sdist = build(tmp_path / "project", tmp_path / "dist")
    monkeypatch.setattr(hygiene, "PYPI_FILE_SIZE_LIMIT", wheel.stat().st_size - 1)
    notes: list[tuple[Path, Finding]] = []

    assert len(read_batch([wheel, sdist], pypi_rules=True, notes=notes)) == 2

    assert [(path, finding.warning) for path, finding in notes] == [(wheel, True)]
    assert "PyPI takes up to" in notes[0][1].message
    assert "requesting-a-file-size-limit-increase" in notes[0][1].message


@pytest.mark.parametrize(
    ("tag", "accepted"),
    [
        ("any", True),
        ("linux_x86_64", False),
        ("linux_armv7l", True),
        ("manylinux_2_28_x86_64", True),
        ("manylinux_2_28_ppc64", True),
        ("musllinux_1_1_ppc64", False),
        ("musllinux_1_2_riscv64", True),
        ("macosx_10_13_x86_64", True),
        ("macosx_11_0_arm64", True),
        ("macosx_11_3_arm64", False),
        ("macosx_16_0_arm64", False),
        ("macosx_26_0_universal2", True),
        ("win_amd64", True),
        ("win_riscv64", False),
        ("ios_13_0_arm64_iphonesimulator", True),
        ("android_21_armeabi_v7a", True),
        ("android_21_mips", False),
        ("pyemscripten_2024_0_wasm32", True),
        ("emscripten_3_1_58_wasm32", False),
    ],
)
def test_platform_tags_pypi_accepts(tag: str, accepted: bool) -> None:  # noqa: FBT001
    assert accepted_platform(tag) is accepted


def test_the_note_of_what_only_pypi_refuses_counts_files_and_names_at_most_four_kinds(tmp_path: Path) -> None:
    def finding(label: str) -> Finding:
        return Finding(Authority.PYPI, label, f"{label}: PyPI's words")

    one = [(tmp_path / "a.whl", finding("local version"))]
    many = [(tmp_path / f"{n % 2}.whl", finding(f"kind {n}")) for n in range(6)]

    assert unapplied_note(one) == (
        "Note: PyPI's own rules would refuse 1 file (local version); they do not apply to this index (option "
        "`rules`), so nothing is held back"
    )
    assert unapplied_note(many).startswith(
        "Note: PyPI's own rules would refuse 2 files (kind 0; kind 1; kind 2; kind 3; 2 more); "
    )
