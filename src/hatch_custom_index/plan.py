"""The plan, a pure decision: for each file of the batch, upload it, skip it (already on the index) or refuse it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from hatch_custom_index.errors import redact_url
from hatch_custom_index.model import Outcome, Status
from hatch_custom_index.outcome import size
from hatch_custom_index.settings import AttestationsMode, SignMode

if TYPE_CHECKING:
    from collections.abc import Mapping

    from hatch_custom_index.artifacts import Artifact


@dataclass(frozen=True)
class Step:
    artifact: Artifact
    status: Status  # WOULD_UPLOAD, EXISTS (skipped) or REFUSED
    reason: str | None = None  # why it is refused


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]

    @property
    def to_upload(self) -> list[Artifact]:
        return [step.artifact for step in self.steps if step.status is Status.WOULD_UPLOAD]

    @property
    def refusals(self) -> list[str]:
        return [step.reason or step.artifact.name for step in self.steps if step.status is Status.REFUSED]

    def outcomes(self, *, dry_run: bool = False) -> list[Outcome]:
        """Every file's outcome before any upload: what a dry run shows, or where a refused plan leaves the files."""
        return [
            Outcome(
                step.artifact,
                Status.NOT_ATTEMPTED if step.status is Status.WOULD_UPLOAD and not dry_run else step.status,
                step.reason,
            )
            for step in self.steps
        ]

    def preview(self) -> list[tuple[Artifact, str]]:
        """A dry run's line per file: `would upload (52.3 kB)`, `already exists (skipped)`, `refused (why)`."""
        return [(step.artifact, f"{step.status} ({_why(step)})") for step in self.steps]

    def refused_message(self, *, dry_run: bool = False) -> str:
        if dry_run:
            return "A real run would upload nothing: " + "; ".join(self.refusals)
        return "Nothing was uploaded:\n" + "\n".join(f"  - {problem}" for problem in self.refusals)


def _why(step: Step) -> str:
    """A dry run's parenthesis: the size to upload, "skipped", or why the file is refused."""
    if step.status is Status.WOULD_UPLOAD:
        return size(step.artifact.size)
    if step.status is Status.EXISTS:
        return "skipped"
    return step.reason or ""


def make_plan(
    batch: list[Artifact],
    held: Mapping[str, Mapping[str, str | None]],
    project_urls: Mapping[str, str],
    *,
    skip_existing: bool,
    skip_existing_source: str,
    public: bool = False,
) -> Plan:
    """`held` maps each project to the index's files (name -> sha256, None when the index gives none). A file the
    index lacks, or lists without a sha256, is uploaded (the upload and its re-check by hash decide); one it holds
    with the same sha256 is skipped, unless `skip_existing` is off; a different file of the same name is refused.
    The sha256 of every file the index lists must be known (the caller hashed them while asking the index)."""
    steps = []
    for artifact in batch:
        digest = held.get(artifact.project, {}).get(artifact.name)
        if digest is None:
            steps.append(Step(artifact, Status.WOULD_UPLOAD))
        elif digest != artifact.sha256:
            steps.append(
                Step(artifact, Status.REFUSED, different_file(artifact, project_urls[artifact.project], public=public))
            )
        elif not skip_existing:
            reason = f"{artifact.name} is already on the index ({skip_existing_source} is false)"
            steps.append(Step(artifact, Status.REFUSED, reason))
        else:
            steps.append(Step(artifact, Status.EXISTS))
    return Plan(tuple(steps))


def different_file(artifact: Artifact, project_url: str, *, public: bool) -> str:
    """Why a file cannot go up under a name the index holds with other bytes: PyPI never replaces a file; another
    index may, for a user allowed to, which is not what a publish should do."""
    replaced = (
        "PyPI never replaces a file"
        if public
        else "this index may replace it if you are allowed to, but a release should not change under its users"
    )
    return (
        f"{artifact.name}: the index already holds a different file of that name ({redact_url(project_url)}); "
        f"{replaced}: release a new version"
    )


def unreadable_index(problem: str, *, credentials_refused: bool) -> str:
    """Why nothing goes up to an index that will not say what it holds: the credentials it refused (401), or read
    access they lack (403, or no credentials to give)."""
    if credentials_refused:
        return (
            f"Nothing was uploaded: {problem}: the index refused the credentials it asked for to read its files; "
            "check the password or token"
        )
    return (
        f"Nothing was uploaded: {problem}. Without knowing which files the index holds, an upload could replace one "
        "(Artifactory does, for a user who may delete). Give the credentials read access to the index, or set "
        "`simple-url` to where they may read"
    )


def several_versions(batch: list[Artifact]) -> dict[str, list[str]]:
    """The projects of which the batch holds more than one version (an old build left in dist/?), with the versions
    in the batch's order."""
    versions: dict[str, dict[str, None]] = {}
    for artifact in batch:
        versions.setdefault(artifact.project, {})[artifact.version] = None
    return {project: list(found) for project, found in versions.items() if len(found) > 1}


def upload_jobs(jobs: int, *, is_devpi: bool, jobs_given: bool) -> int:
    """How many uploads run at once: option `jobs`, but one at a time to devpi-server (it stores one upload at a time,
    so more only wait) unless `jobs` was given."""
    return 1 if is_devpi and not jobs_given else jobs


def sends_attestations(mode: AttestationsMode, *, trusted_publishing: bool) -> bool:
    """Whether the attestations beside the files go with them: `true` always, `auto` with trusted publishing only
    (the one way PyPI accepts them), `false` never."""
    return mode is AttestationsMode.ALWAYS or (mode is AttestationsMode.AUTO and trusted_publishing)


class SigningVerdict(Enum):
    SIGN = "sign"
    SKIP = "skip"  # not wanted here: said with -v only
    WARN = "warn"  # `auto` wanted to sign but cannot: one warning, and the batch goes without new attestations
    STOP = "stop"  # `true` cannot sign: nothing is uploaded


@dataclass(frozen=True)
class SigningDecision:
    verdict: SigningVerdict
    reason: str = ""


def signing_decision(
    mode: SignMode,
    *,
    trusted_publishing: bool,
    takes_attestations: bool,
    missing_library: str | None,
    identity_source: str | None,
) -> SigningDecision:
    """Whether the batch is signed with Sigstore (option `sign`). `auto` signs when the upload token came from trusted
    publishing and the index takes attestations; `true` always, or stops; `false` never. `missing_library` says why
    the extra cannot sign, `identity_source` where the identity for signing would come from (None: nowhere)."""
    if mode is SignMode.NEVER:
        return SigningDecision(SigningVerdict.SKIP, "option `sign` is false")
    if mode is SignMode.AUTO and not trusted_publishing:
        return SigningDecision(SigningVerdict.SKIP, "the upload token does not come from trusted publishing")
    if mode is SignMode.AUTO and not takes_attestations:
        return SigningDecision(
            SigningVerdict.SKIP,
            "the index is not known to take attestations (option `attestations = true` says it does)",
        )
    unable = SigningVerdict.STOP if mode is SignMode.ALWAYS else SigningVerdict.WARN
    if missing_library is not None:
        return SigningDecision(unable, missing_library)
    if identity_source is None:
        return SigningDecision(
            unable,
            "no identity to sign with: run in GitHub Actions with `permissions: id-token: write`, in GitLab CI with "
            "an `id_tokens:` entry SIGSTORE_ID_TOKEN (aud: sigstore), on Google Cloud, or set SIGSTORE_ID_TOKEN",
        )
    return SigningDecision(SigningVerdict.SIGN, f"with the identity from {identity_source}")


def takes_attestations(mode: AttestationsMode, *, public: bool) -> bool:
    """Whether the index takes attestations: PyPI and TestPyPI do (with trusted publishing), unless option
    `attestations` is false; any index where it is true."""
    return mode is AttestationsMode.ALWAYS or (mode is AttestationsMode.AUTO and public)
