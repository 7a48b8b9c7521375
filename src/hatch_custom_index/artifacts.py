"""Artifacts: finding them, reading and checking their metadata, their digests, and the upload form they make."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from packaging.metadata import _VALID_METADATA_VERSIONS, parse_email
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    canonicalize_version,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from hatch_custom_index.archive import Contents, read_contents
from hatch_custom_index.attestations import Listing, load_attestations
from hatch_custom_index.digests import SHA256, file_sha256
from hatch_custom_index.discovery import WHEEL_SUFFIX, identity
from hatch_custom_index.errors import ArtifactError, PublishError
from hatch_custom_index.form import Fields, metadata_form_fields, sendable
from hatch_custom_index.rules import Authority, Finding, Subject, check
from hatch_custom_index.rules.content import refused_content

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from hatch_custom_index.json_types import JSONObject

# Core metadata versions packaging knows (2.0 never existed as a standard); PyPI's own set is a rule of its own.
SUPPORTED_METADATA_VERSIONS = frozenset(_VALID_METADATA_VERSIONS)


@dataclass
class Artifact:
    """One file to publish, with everything the upload needs, all read before the first byte is sent."""

    path: Path
    filetype: str  # "sdist" or "bdist_wheel"
    pyversion: str
    project: str  # the normalized project name
    version: str
    metadata: Fields
    size: int = 0
    digests: Mapping[str, str] = field(default_factory=dict)  # form field -> hex digest; see `record_digests`
    attestations: list[JSONObject] = field(default_factory=list)  # PEP 740, checked against this file
    signer: str | None = None  # the identity of the certificate when this run signed the file (option `sign`)
    checked: tuple[int, ...] = ()  # the file's identity when it was read: a rewrite since is refused at upload
    contents: Contents | None = field(default=None, repr=False, compare=False)  # what the rules check
    metadata_member: str = field(default="", repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def attestation(self) -> str:
        """`signed` (by this run, option `sign`), `found` (beside the file), or `none`: for the reports."""
        return "signed" if self.signer else "found" if self.attestations else "none"

    @property
    def sha256(self) -> str:
        """The file's sha256, computed on first use (an upload computes it as it sends the file)."""
        known = self.digests.get(SHA256)
        if known is None:
            known = cast("str", file_sha256(self.path))  # never abandoned: the whole file is hashed
            self.record_digests({SHA256: known})
        return known

    def record_digests(self, digests: Mapping[str, str] | None) -> None:
        """The one way digests are written (from the prefetch's thread, the upload, `sha256`): what is known stays."""
        if digests:
            with self._lock:
                self.digests = MappingProxyType({**digests, **self.digests})

    def form_fields(self, *, attestations: bool = False) -> list[tuple[str, str]]:
        """The upload form's fields, in Warehouse's names, multi-use fields as repeated entries; the attestations
        as one JSON array when asked for and present. The digests are not among them: the upload body adds them
        after the file, computed as it is sent."""
        fields = [
            (":action", "file_upload"),
            ("protocol_version", "1"),
            ("filetype", self.filetype),
            ("pyversion", self.pyversion),
        ]
        fields.extend(metadata_form_fields(self.metadata))
        if attestations and self.attestations:
            fields.append(("attestations", json.dumps(self.attestations, separators=(",", ":"))))
        return fields


def read_artifact(path: Path) -> Artifact:
    """Read one file's metadata and check it against its name; a problem that leaves nothing to check further is a
    PublishError naming the file (the rules in `rules` check the rest)."""
    try:
        if path.name.endswith(WHEEL_SUFFIX):
            name, version, _, tags = parse_wheel_filename(path.name)
            filetype = "bdist_wheel"
            pyversion = ".".join(sorted({tag.interpreter for tag in tags}))
        else:
            name, version = parse_sdist_filename(path.name)
            filetype, pyversion = "sdist", "source"
    except (InvalidWheelFilename, InvalidSdistFilename) as e:
        message = f"{path}: the file name is not a valid distribution name ({e})"
        raise ArtifactError(message) from None
    kind = "tar" if path.name.endswith(".tar.gz") else "zip"
    contents = read_contents(path, kind, refused_content)
    if filetype == "bdist_wheel":
        member = _wheel_metadata_member(contents, path, str(name), str(version))
    else:
        member = _sdist_metadata_member(contents, path)
    metadata = parse_metadata(contents.texts[member], path)
    _check_identity(metadata, str(name), str(version), path)
    checked = identity(path)
    artifact = Artifact(path, filetype, pyversion, str(name), str(version), metadata, checked[2], checked=checked)
    artifact.contents, artifact.metadata_member = contents, member
    return artifact


def _wheel_metadata_member(contents: Contents, path: Path, name: str, version: str) -> str:
    """The `.dist-info/METADATA` whose directory names this project and version (after normalization)."""
    wanted = (canonicalize_name(name), canonicalize_version(version))
    for member in contents.texts:
        directory, _, base = member.partition("/")
        if base == "METADATA" and directory.endswith(".dist-info"):
            dist_name, _, dist_version = directory[: -len(".dist-info")].rpartition("-")
            if (canonicalize_name(dist_name), canonicalize_version(dist_version)) == wanted:
                return member
    message = f"{path}: the wheel has no `{path.name.split('-', 1)[0]}-{version}.dist-info/METADATA`; rebuild it"
    raise ArtifactError(message)


def _sdist_metadata_member(contents: Contents, path: Path) -> str:
    for member in contents.texts:
        if member.partition("/")[2] == "PKG-INFO":
            return member
    message = f"{path}: the source distribution has no top-level `PKG-INFO`; rebuild it"
    raise ArtifactError(message)


def parse_metadata(raw: bytes, path: Path) -> Fields:
    """Core metadata as packaging's raw fields, checked for what an index requires."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        message = f"{path}: the metadata is not valid UTF-8; rebuild the file with a current build backend"
        raise ArtifactError(message) from None
    fields, _unparsed = parse_email(text)
    metadata = cast("Fields", dict(fields))  # RawMetadata: its values are text, lists of it, or labelled URLs
    for required in ("metadata_version", "name", "version"):
        if not metadata.get(required):
            label = required.replace("_", "-").title()
            message = f"{path}: the metadata has no `{label}` field"
            raise ArtifactError(message)
    if metadata["metadata_version"] not in SUPPORTED_METADATA_VERSIONS:
        supported = ", ".join(sorted(SUPPORTED_METADATA_VERSIONS))
        message = (
            f"{path}: Metadata-Version {metadata['metadata_version']} is not a metadata version "
            f"(the standards define {supported}); build it with a build backend that writes one of those"
        )
        raise ArtifactError(message)
    return metadata


def _check_identity(metadata: Fields, name: str, version: str, path: Path) -> None:
    if canonicalize_name(str(metadata["name"])) != canonicalize_name(name):
        message = f"{path}: the metadata names the project {metadata['name']!r}, but the file name says {name!r}"
        raise ArtifactError(message)
    try:
        matches = Version(str(metadata["version"])) == Version(version)
    except InvalidVersion:
        message = f"{path}: the metadata's version {metadata['version']!r} is not a valid version (PEP 440)"
        raise ArtifactError(message) from None
    if not matches:
        message = f"{path}: the metadata says version {metadata['version']!r}, but the file name says {version!r}"
        raise ArtifactError(message)


def plan_order(artifacts: list[Artifact]) -> list[Artifact]:
    """Release by release: the sdist first (it creates the release), then the wheels in sorted order."""
    return sorted(artifacts, key=lambda a: (a.project, a.version, a.filetype != "sdist", a.name))


def read_batch(
    paths: list[Path],
    *,
    attestations: bool = True,
    pypi_rules: bool = False,
    notes: list[tuple[Path, Finding]] | None = None,
) -> list[Artifact]:
    """Read and check every file (and with `attestations`, the attestations beside it) before anything is uploaded;
    all problems of all files are reported together. The standards' rules always refuse; PyPI's refuse with
    `pypi_rules`, and are otherwise collected in `notes`, with the warnings."""
    artifacts: list[Artifact] = []
    problems: list[str] = []
    pypi_refusals = False
    listing = Listing()  # each directory listed once, however many files it holds
    for path in paths:
        try:
            artifact = read_artifact(path)
            if attestations and (found := listing.attestations(path)):
                artifact.attestations = load_attestations(path, artifact.sha256, found)
        except PublishError as e:
            problems.append(str(e))
            continue
        except OSError as e:
            problems.append(f"{path}: cannot be read ({e.strerror or e})")
            continue
        artifacts.append(artifact)
        for finding in check(subject_of(artifact), costly=pypi_rules):
            if finding.warning or (finding.authority is Authority.PYPI and not pypi_rules):
                if notes is not None:
                    notes.append((path, finding))
            else:
                pypi = finding.authority is Authority.PYPI
                pypi_refusals |= pypi
                problems.append(f"{path}: {finding.message}" + (" (PyPI's rule)" if pypi else ""))
    problems.extend(_batch_conflicts(artifacts))
    if problems:
        count = f"{len(problems)} problems" if len(problems) > 1 else "a problem"
        message = f"Nothing was uploaded: the batch has {count}:\n" + "\n".join(f"  - {p}" for p in problems)
        if pypi_refusals:
            message += (
                "\nRules marked (PyPI's rule) are PyPI's own policy, applied for this index (option `rules`); "
                "for an index that takes such files, -o rules=standards"
            )
        raise ArtifactError(message)
    unique = {artifact.name: artifact for artifact in reversed(artifacts)}  # the same file reached twice: once
    return plan_order(list(unique.values()))


def subject_of(artifact: Artifact) -> Subject:
    """The artifact as the rules see it."""
    assert artifact.contents is not None  # noqa: S101 -- every read artifact has its contents
    return Subject(
        artifact.path, artifact.filetype, artifact.contents, sendable(artifact.metadata), artifact.metadata_member
    )


def _batch_conflicts(artifacts: list[Artifact]) -> list[str]:
    problems = []
    by_name: dict[str, Artifact] = {}
    sdists: dict[tuple[str, Version], Artifact] = {}
    for artifact in artifacts:
        twin = by_name.setdefault(artifact.name, artifact)
        if twin is not artifact and twin.sha256 != artifact.sha256:
            problems.append(f"{artifact.path} and {twin.path} have the same name but different contents")
        if artifact.filetype == "sdist":
            release = (artifact.project, Version(artifact.version))  # 1.0 and 1.0.0 are one release to an index
            other = sdists.setdefault(release, artifact)
            if other is not artifact and other.name != artifact.name:
                problems.append(
                    f"{other.path} and {artifact.path} are two source distributions of {artifact.project} "
                    f"{artifact.version}; an index takes one per release"
                )
    return problems
