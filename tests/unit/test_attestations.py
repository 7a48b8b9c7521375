"""PEP 740 attestations beside a file, checked before anything is uploaded: the real one from PyPI, and each way a
broken one is refused with the file named."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hatch_custom_index.attestations import load_attestations
from hatch_custom_index.digests import file_sha256
from hatch_custom_index.errors import ArtifactError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "pep740"
SDIST = "sampleproject-3.0.0.tar.gz"


@pytest.fixture
def sdist(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / SDIST, tmp_path / SDIST)
    shutil.copy(FIXTURES / f"{SDIST}.publish.attestation", tmp_path / f"{SDIST}.publish.attestation")
    return tmp_path / SDIST


def real() -> dict[str, Any]:
    return json.loads((FIXTURES / f"{SDIST}.publish.attestation").read_text())


def statement_of(attestation: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(attestation["envelope"]["statement"]))


def with_statement(statement: object) -> dict[str, Any]:
    attestation = real()
    attestation["envelope"]["statement"] = base64.b64encode(json.dumps(statement).encode()).decode()
    return attestation


def test_pypi_s_own_attestation_of_its_own_file_is_taken(sdist: Path) -> None:
    (loaded,) = load_attestations(sdist, str(file_sha256(sdist)))
    assert loaded == real()


def broken_cases() -> list[tuple[str, object, str]]:
    statement = statement_of(real())
    return [
        ("not json", b"{not json", "not JSON; an attestation is a PEP 740 JSON object"),
        ("a list", [], "not a PEP 740 attestation"),
        ("version 2", {**real(), "version": 2}, "not a PEP 740 attestation"),
        ("no envelope", {k: v for k, v in real().items() if k != "envelope"}, "not a PEP 740 attestation"),
        (
            "statement not base64",
            {**real(), "envelope": {**real()["envelope"], "statement": "%%%"}},
            "the envelope's statement is not base64-encoded JSON",
        ),
        ("not in-toto", with_statement({**statement, "_type": "other"}), "is not an in-toto statement"),
        ("another file", with_statement({**statement, "subject": [{"name": "x.whl", "digest": {"sha256": "ab"}}]}),
         "the attestation is about x.whl, not sampleproject-3.0.0.tar.gz"),
        ("no subject", with_statement({**statement, "subject": "nope"}), "the attestation is about nothing"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "reason"), [case[1:] for case in broken_cases()], ids=[c[0] for c in broken_cases()]
)
def test_a_broken_attestation_is_refused_naming_the_file(sdist: Path, content: object, reason: str) -> None:
    path = sdist.parent / f"{SDIST}.publish.attestation"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())

    with pytest.raises(ArtifactError, match="attestation") as caught:
        load_attestations(sdist, str(file_sha256(sdist)))

    assert str(caught.value).startswith(f"{path}: ")
    assert reason in str(caught.value)


def test_an_attestation_of_other_bytes_says_it_was_made_for_a_different_build(sdist: Path) -> None:
    with pytest.raises(ArtifactError, match="made for a different build: attest the files you publish"):
        load_attestations(sdist, "0" * 64)


def test_two_attestations_of_one_kind_are_refused(sdist: Path) -> None:
    shutil.copy(sdist.parent / f"{SDIST}.publish.attestation", sdist.parent / f"{SDIST}.again.attestation")
    with pytest.raises(ArtifactError, match="a second attestation of kind"):
        load_attestations(sdist, str(file_sha256(sdist)))


def test_an_oversized_attestation_is_refused_unread(sdist: Path) -> None:
    (sdist.parent / f"{SDIST}.publish.attestation").write_bytes(b" " * (1024 * 1024 + 1))
    with pytest.raises(ArtifactError, match="larger than 1 MiB; that is not an attestation"):
        load_attestations(sdist, str(file_sha256(sdist)))
