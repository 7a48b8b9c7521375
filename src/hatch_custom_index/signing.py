"""PEP 740 publish attestations made during the publish, with Sigstore (the optional extra `attest`: `sigstore` and
`pypi-attestations`, imported only when a batch is signed).

One identity token (audience `sigstore`) serves the batch: Fulcio certifies one ephemeral key for it, each file's
in-toto statement is signed and logged in Rekor (several files at once, as option `jobs` allows), and each new
attestation is verified against the trust root and the identity the CI claims before it is written beside its file
as `<file>.publish.attestation`. Either every file gets its attestation or none does.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import id as oidc

from hatch_custom_index.attestations import load_attestations
from hatch_custom_index.bounded import call_within, describe
from hatch_custom_index.errors import ConfigurationError, PublishError, Secret, scrub
from hatch_custom_index.settings import SIGSTORE_INSTANCES
from hatch_custom_index.text import printable
from hatch_custom_index.tokens.identity import ci_provider, claims_of, identity_failure

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sigstore.models import ClientTrustConfig
    from sigstore.sign import Signer
    from sigstore.verify.policy import VerificationPolicy

    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.json_types import JSONObject

EXTRA = "hatch-custom-index[attest]"
LIBRARIES = {"sigstore": "sigstore", "pypi_attestations": "pypi-attestations"}  # module -> distribution
SUFFIX = ".publish.attestation"
AUDIENCE = "sigstore"
# GitLab CI's `id_tokens:` entry by convention; honoured in any CI.
TOKEN_VARIABLE = "SIGSTORE_ID_TOKEN"  # noqa: S105 -- a variable's name, not its value
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GOOGLE_ISSUER = "https://accounts.google.com"
MAX_TRUST_CONFIG_BYTES = 1024 * 1024


class SigningError(PublishError):
    """Sigstore could not sign the batch (its service's words), or what it made did not verify; nothing was signed."""


@dataclass(frozen=True)
class Signed:
    """A file's new publish attestation (PEP 740 JSON, as it is sent), and the identity its certificate names."""

    artifact: Artifact
    attestation: JSONObject
    identity: str
    path: Path


def attestation_path(artifact: Path) -> Path:
    """Where a file's publish attestation lives: beside it, as `<file name>.publish.attestation`."""
    return artifact.with_name(artifact.name + SUFFIX)


def missing_library() -> str | None:
    """Why this installation cannot sign (the extra's libraries are not importable), or None; nothing is imported."""
    missing = [dist for module, dist in LIBRARIES.items() if importlib.util.find_spec(module) is None]
    if not missing:
        return None
    return (
        f"signing needs the extra {EXTRA} ({' and '.join(missing)} not installed beside Hatch); install it where "
        f"Hatch runs: `pipx inject hatch '{EXTRA}'`, `uv tool install hatch --with '{EXTRA}'`, or "
        f"`pip install '{EXTRA}'`"
    )


def identity_source(environ: Mapping[str, str]) -> str | None:
    """Where the identity for signing would come from, without asking for it: SIGSTORE_ID_TOKEN (GitLab CI's
    `id_tokens:` entry, or any CI's), GitHub Actions or Google Cloud; None elsewhere."""
    if environ.get(TOKEN_VARIABLE):
        return TOKEN_VARIABLE
    provider = ci_provider(dict(environ))
    return provider if provider in {"GitHub Actions", "Google Cloud"} else None


def signing_identity(environ: Mapping[str, str], timeout: float) -> Secret:
    """The identity token for Sigstore (audience `sigstore`): SIGSTORE_ID_TOKEN, else the CI's through `id`."""
    given = environ.get(TOKEN_VARIABLE)
    if given:
        return Secret(given.strip())
    provider = ci_provider(dict(environ)) or "this machine"
    answer = call_within(lambda: oidc.detect_credential(AUDIENCE), timeout, "signing identity")
    if not answer.answered:
        message = f"no identity for signing: {provider} did not answer within {timeout:g} s (option `timeout`)"
        raise SigningError(message)
    if answer.error is not None:
        message = f"no identity for signing from {provider}: {identity_failure(answer.error)}"
        raise SigningError(message)
    if not answer.value:
        message = f"no identity for signing from {provider}"
        raise SigningError(message)
    return Secret(answer.value)


def certificate_identity(identity: Secret) -> str:
    """The identity Fulcio names in the certificate for this token (its SAN), as the token's claims say: for the
    messages before there is a certificate to read it from."""
    claims = claims_of(identity)
    prefixes = {"job_workflow_ref": "https://github.com/", "ci_config_ref_uri": "https://", "email": "", "sub": ""}
    for key, prefix in prefixes.items():
        value = claims.get(key)
        if isinstance(value, str) and value:
            return printable(prefix + value)
    return "an unknown identity"


class Sigstore:
    """One Sigstore instance (option `sigstore`) that signs a batch and verifies what it made.

    `timeout` bounds each of its answers; the whole batch is given `timeout` * (2 + files / jobs), after which the
    signing is abandoned on its daemon threads and nothing is written."""

    def __init__(self, choice: str, root: Path, *, source: str, timeout: float, jobs: int) -> None:
        self.choice = choice
        self.root = root
        self.source = source  # where option `sigstore` came from, for messages
        self.timeout = timeout
        self.jobs = max(1, jobs)

    def sign(self, artifacts: list[Artifact], identity: Secret) -> list[Signed]:
        """Each file's new attestation, verified and written beside it; all of them, or a SigningError."""
        rounds = -(-len(artifacts) // self.jobs)
        bound = self.timeout * (2 + rounds)
        answer = call_within(lambda: self._sign(artifacts, identity), bound, "sigstore signing")
        if not answer.answered:
            message = f"Sigstore ({self.choice}) did not finish signing within {bound:g} s (option `timeout`)"
            raise SigningError(message)
        if isinstance(answer.error, PublishError):
            raise answer.error
        if answer.error is not None:
            raise SigningError(self._failure(answer.error, identity)) from None
        signed = answer.value or []
        return _written(signed)

    def _sign(self, artifacts: list[Artifact], identity: Secret) -> list[Signed]:
        from pypi_attestations import Attestation, Distribution  # noqa: PLC0415 -- the extra, only when signing
        from sigstore.errors import VerificationError  # noqa: PLC0415
        from sigstore.oidc import IdentityError, IdentityToken  # noqa: PLC0415
        from sigstore.sign import SigningContext  # noqa: PLC0415
        from sigstore.verify import Verifier  # noqa: PLC0415

        config = self.trust_config()
        try:
            token = IdentityToken(identity.reveal())
        except IdentityError as e:
            message = f"the identity for signing cannot be used: {e}"
            raise SigningError(message) from None
        context = SigningContext.from_trust_config(config)
        verifier = Verifier(trusted_root=config.trusted_root)
        policy = publisher_policy(claims_of(identity))

        def sign_one(signer: Signer, artifact: Artifact) -> Signed:
            attestation = Attestation.sign(signer, Distribution(name=artifact.name, digest=artifact.sha256))
            try:
                verifier.verify_dsse(attestation.to_bundle(), policy)
            except VerificationError as e:
                message = (
                    f"the attestation Sigstore ({self.choice}) made for {artifact.name} does not verify against its "
                    f"trust root and the identity the CI claims ({e}); nothing was signed"
                )
                raise SigningError(printable(message)) from None
            document = json.loads(attestation.model_dump_json())
            return Signed(artifact, document, _san(attestation.verification_material.certificate), Path())

        with context.signer(token) as signer:
            return _in_parallel([functools.partial(sign_one, signer, artifact) for artifact in artifacts], self.jobs)

    def trust_config(self) -> ClientTrustConfig:
        """Sigstore's public instances by name; otherwise a client trust config (JSON) at the given path."""
        from sigstore.models import ClientTrustConfig  # noqa: PLC0415 -- the extra, only when signing

        if self.choice == SIGSTORE_INSTANCES[0]:
            return ClientTrustConfig.production()
        if self.choice == SIGSTORE_INSTANCES[1]:
            return ClientTrustConfig.staging()
        path = Path(self.root, Path(self.choice).expanduser())
        try:
            with path.open("rb") as stream:
                raw = stream.read(MAX_TRUST_CONFIG_BYTES + 1)
        except OSError as e:
            message = (
                f"{self.source}: the Sigstore trust config {path} cannot be read ({e.strerror or e}); give "
                "`production`, `staging`, or the path of a client trust config (JSON)"
            )
            raise ConfigurationError(message) from None
        problem = "larger than 1 MiB" if len(raw) > MAX_TRUST_CONFIG_BYTES else None
        if problem is None:
            try:
                return ClientTrustConfig.from_json(raw.decode())
            except Exception as e:  # noqa: BLE001 -- sigstore's parsers raise many kinds: all say "not a trust config"
                problem = describe(e)
        message = (
            f"{self.source}: {path} is not a Sigstore client trust config ({problem}); it is the JSON that "
            "`sigstore --trust-config` takes: a trusted root and a signing config"
        )
        raise ConfigurationError(printable(message))

    def _failure(self, error: BaseException, identity: Secret) -> str:
        """What went wrong, in the service's own words where it gave any; the identity token never in it."""
        words = service_words(error)
        return printable(scrub(f"Sigstore ({self.choice}) could not sign: {words}", (identity,)))


def service_words(error: BaseException) -> str:
    """The message of a Sigstore service's refusal: its JSON `message` where it answered with one (sigstore-python
    drops Fulcio's), else the error as sigstore worded it."""
    cause = error.__cause__
    response = getattr(cause, "response", None)
    status = getattr(response, "status_code", None)
    if response is not None and isinstance(status, int):
        url = getattr(response, "url", "")
        try:
            body = json.loads(response.text[:4096])
        except ValueError:
            body = None
        message = body.get("message") if isinstance(body, dict) else None
        where = f" from {url}" if url else ""
        return f"HTTP {status}{where}" + (f": {message}" if isinstance(message, str) and message else "")
    return describe(error)


def publisher_policy(claims: Mapping[str, object]) -> VerificationPolicy:
    """What a new attestation's certificate must say, from the identity token's claims (the CI's word for who is
    publishing): the token's issuer, and the repository where the CI names one (GitHub, GitLab) or the service
    account's email (Google)."""
    from sigstore.verify import policy  # noqa: PLC0415 -- the extra, only when signing

    issuer = str(claims.get("iss", ""))
    checks: list[VerificationPolicy] = [policy.OIDCIssuerV2(issuer)]
    repository, project_path, email = claims.get("repository"), claims.get("project_path"), claims.get("email")
    if issuer == GITHUB_ISSUER and isinstance(repository, str):
        checks.append(policy.OIDCSourceRepositoryURI(f"https://github.com/{repository}"))
    elif isinstance(project_path, str):  # GitLab, gitlab.com or a self-managed one: its issuer is its URL
        checks.append(policy.OIDCSourceRepositoryURI(f"{issuer.rstrip('/')}/{project_path}"))
    elif issuer == GOOGLE_ISSUER and isinstance(email, str):
        checks.append(policy.Identity(identity=email, issuer=issuer))
    return policy.AllOf(checks)


def _san(certificate: bytes) -> str:
    """The identity a Fulcio certificate names (its subject alternative name): the workflow, or an email."""
    from cryptography import x509  # noqa: PLC0415 -- with the extra's libraries

    names = x509.load_der_x509_certificate(certificate).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    found = [*names.value.get_values_for_type(x509.UniformResourceIdentifier)]
    found += names.value.get_values_for_type(x509.RFC822Name)
    return printable(found[0]) if found else "no identity"


def _in_parallel(jobs: list[Callable[[], Signed]], workers: int) -> list[Signed]:
    """Every job's result in order, run on up to `workers` daemon threads (a hung service never keeps the process
    alive); the first failure is raised once all have ended."""
    pending: queue.Queue[int] = queue.Queue()
    for number in range(len(jobs)):
        pending.put(number)
    results: dict[int, Signed] = {}
    errors: list[BaseException] = []

    def work() -> None:
        while not errors:
            try:
                number = pending.get_nowait()
            except queue.Empty:
                return
            try:
                results[number] = jobs[number]()
            except BaseException as e:  # noqa: BLE001 -- raised below, on the signing thread
                errors.append(e)

    threads = [threading.Thread(target=work, name=f"sign-{n}", daemon=True) for n in range(min(workers, len(jobs)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [results[number] for number in range(len(jobs))]


def _written(signed: list[Signed]) -> list[Signed]:
    """Each attestation written beside its file and read back through the checks any found attestation passes; a
    file that cannot be written undoes those written before it."""
    written: list[Signed] = []
    try:
        for item in signed:
            path = attestation_path(item.artifact.path)
            partial = _partial(path)
            partial.write_text(json.dumps(item.attestation, indent=2) + "\n", encoding="utf-8")
            (document,) = load_attestations(item.artifact.path, item.artifact.sha256, [partial])
            os.replace(partial, path)
            written.append(Signed(item.artifact, document, item.identity, path))
    except (OSError, PublishError) as e:
        for done in written:
            done.path.unlink(missing_ok=True)
        for item in signed:
            _partial(attestation_path(item.artifact.path)).unlink(missing_ok=True)
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        message = f"a new attestation could not be written beside its file ({reason}); none was kept"
        raise SigningError(message) from None
    return written


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")
