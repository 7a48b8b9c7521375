"""PEP 740 attestations: the `<file>.<kind>.attestation` files beside an artifact, checked against it before upload.

Only the shape and the in-toto statement's subject (the artifact's name and sha256) are checked here; the signature
is the index's to verify (PyPI does), so no sigstore dependency is needed.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from hatch_custom_index.errors import ArtifactError

if TYPE_CHECKING:
    from hatch_custom_index.json_types import JSONObject

MAX_ATTESTATION_BYTES = 1024 * 1024
IN_TOTO_STATEMENT = "https://in-toto.io/Statement/v1"
SUFFIX = ".attestation"


def find_attestations(artifact: Path, listing: Listing | None = None) -> list[Path]:
    """The attestation files of an artifact: `<artifact file name>.<kind>.attestation` in its directory, looked up in
    `listing` when given (one listing serves every artifact of the directory), else in a fresh one."""
    listing = listing if listing is not None else Listing()
    return listing.attestations(artifact)


class Listing:
    """Each directory's attestation files, listed once: `attestations(artifact)` looks them up by the artifact's
    name, so a batch of N files in one directory costs one scan, not N."""

    def __init__(self) -> None:
        self._by_directory: dict[Path, dict[str, list[Path]]] = {}

    def attestations(self, artifact: Path) -> list[Path]:
        by_artifact = self._by_directory.get(artifact.parent)
        if by_artifact is None:
            by_artifact = self._by_directory[artifact.parent] = _scan(artifact.parent)
        return sorted(by_artifact.get(artifact.name, ()))


def _scan(directory: Path) -> dict[str, list[Path]]:
    """The directory's attestation files by the file name they may attest: every `<name>.<kind>.attestation` is
    filed under each `<name>` it can be read as (a name may itself hold dots), so look-ups are exact."""
    by_artifact: dict[str, list[Path]] = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith(SUFFIX) and entry.is_file():
                for name in _attested_names(entry.name):
                    by_artifact.setdefault(name, []).append(Path(entry.path))
    return by_artifact


def _attested_names(filename: str) -> list[str]:
    """The names `filename` (`<name>.<kind>.attestation`) can attest: each prefix before a dot that leaves a kind."""
    stem = filename[: -len(SUFFIX)]
    return [stem[:dot] for dot in range(len(stem)) if stem[dot] == "." and dot > 0]


def load_attestations(artifact: Path, sha256: str, found: list[Path] | None = None) -> list[JSONObject]:
    """Each attestation (`found`, else `find_attestations`) parsed and checked: PEP 740's shape, one per predicate
    type, a subject naming this artifact with its sha256. A problem is a PublishError naming the attestation file."""
    loaded: list[JSONObject] = []
    kinds: dict[str, Path] = {}
    for path in find_attestations(artifact) if found is None else found:
        attestation, predicate_type = _check(path, artifact.name, sha256)
        if predicate_type in kinds:
            message = f"{path}: a second attestation of kind {predicate_type} for {artifact.name} (also {kinds[predicate_type].name}); keep one"
            raise ArtifactError(message)
        kinds[predicate_type] = path
        loaded.append(attestation)
    return loaded


def _check(path: Path, name: str, sha256: str) -> tuple[JSONObject, str]:
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_ATTESTATION_BYTES + 1)
    except OSError as e:
        message = f"{path}: cannot be read ({e.strerror or e})"
        raise ArtifactError(message) from None
    if len(raw) > MAX_ATTESTATION_BYTES:
        message = f"{path}: larger than 1 MiB; that is not an attestation"
        raise ArtifactError(message)
    try:
        attestation = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        message = f"{path}: not JSON; an attestation is a PEP 740 JSON object"
        raise ArtifactError(message) from None
    envelope = attestation.get("envelope") if isinstance(attestation, dict) else None
    if (
        not isinstance(attestation, dict)
        or attestation.get("version") != 1
        or not isinstance(attestation.get("verification_material"), dict)
        or not isinstance(envelope, dict)
        or not isinstance(envelope.get("statement"), str)
        or not isinstance(envelope.get("signature"), str)
    ):
        message = (
            f"{path}: not a PEP 740 attestation (it needs `version` 1, `verification_material`, and an `envelope` "
            "with `statement` and `signature`)"
        )
        raise ArtifactError(message)
    try:
        statement = json.loads(base64.b64decode(envelope["statement"], validate=True))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        message = f"{path}: the envelope's statement is not base64-encoded JSON"
        raise ArtifactError(message) from None
    if not isinstance(statement, dict) or statement.get("_type") != IN_TOTO_STATEMENT:
        message = f"{path}: the envelope's statement is not an in-toto statement ({IN_TOTO_STATEMENT})"
        raise ArtifactError(message)
    subject_list = statement.get("subject")
    subjects: list[object] = subject_list if isinstance(subject_list, list) else []
    digests = {
        subject.get("name"): (subject.get("digest") or {}).get("sha256")
        for subject in subjects
        if isinstance(subject, dict) and isinstance(subject.get("digest"), dict)
    }
    if name not in digests:
        named = ", ".join(str(subject) for subject in digests) or "nothing"
        message = f"{path}: the attestation is about {named}, not {name}"
        raise ArtifactError(message)
    if str(digests[name]).lower() != sha256:
        message = (
            f"{path}: the attestation is for another {name} (sha256 {digests[name]}, the file has {sha256}); "
            "it was made for a different build: attest the files you publish"
        )
        raise ArtifactError(message)
    return attestation, str(statement.get("predicateType"))
