"""The loopback Sigstore (devtools/sigstore.py) against the real clients: sigstore-python signs with it, and its
`Verifier`, given only the trust config's trusted root, accepts what was signed, under pypi-attestations' policies."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import CertificateSigningRequestBuilder, Name, SubjectAlternativeName, UniformResourceIdentifier
from pypi_attestations import Attestation, Distribution, GitHubPublisher, GitLabPublisher
from sigstore._internal.fulcio.client import FulcioClientError
from sigstore._internal.rekor import RekorClientError
from sigstore._internal.rekor.client import RekorClient
from sigstore._internal.trust import KeyringPurpose
from sigstore.errors import VerificationError
from sigstore.models import ClientTrustConfig
from sigstore.oidc import IdentityToken
from sigstore.sign import SigningContext
from sigstore.verify import Verifier
from sigstore.verify.policy import Identity

from devtools.oidc import GITHUB_CLAIMS
from devtools.sigstore import (
    SIGNING_GITHUB_CLAIMS,
    SIGNING_GITLAB_CLAIMS,
    SigstoreStandIn,
    fulcio_oid,
    identity_token,
)

SDIST = Path(__file__).parent.parent / "fixtures" / "pep740" / "sampleproject-3.0.0.tar.gz"
GITHUB = GitHubPublisher(repository="octo-org/octo-project", workflow="release.yml")
GITLAB = GitLabPublisher(repository="octo-group/octo-project", workflow_filepath=".gitlab-ci.yml")


@pytest.fixture
def sigstore():
    with SigstoreStandIn() as server:
        yield server


@pytest.fixture
def config(sigstore: SigstoreStandIn, tmp_path: Path) -> ClientTrustConfig:
    return ClientTrustConfig.from_json(sigstore.write_trust_config(tmp_path / "trust_config.json").read_text())


def attest(config: ClientTrustConfig, claims: dict) -> Attestation:
    context = SigningContext.from_trust_config(config)
    with context.signer(IdentityToken(identity_token(claims))) as signer:
        return Attestation.sign(signer, Distribution.from_file(SDIST))


def verify(config: ClientTrustConfig, attestation: Attestation, publisher) -> tuple[str, bytes]:
    return Verifier(trusted_root=config.trusted_root).verify_dsse(attestation.to_bundle(), publisher._as_policy())  # noqa: SLF001


def test_a_github_identity_signs_an_sdist_and_the_attestation_verifies(sigstore, config):
    attestation = attest(config, SIGNING_GITHUB_CLAIMS)

    payload_type, payload = verify(config, attestation, GITHUB)
    assert payload_type == "application/vnd.in-toto+json"
    assert json.loads(payload)["subject"][0]["name"] == SDIST.name
    claims = attestation.certificate_claims
    assert claims[fulcio_oid(8).dotted_string] == "https://token.actions.githubusercontent.com"
    assert (
        claims[fulcio_oid(21).dotted_string]
        == "https://github.com/octo-org/octo-project/actions/runs/8000000001/attempts/1"
    )
    [leaf] = sigstore.certificates_issued
    assert leaf.extensions.get_extension_for_oid(fulcio_oid(5)).value.value == b"octo-org/octo-project"  # raw, legacy
    assert (leaf.not_valid_after_utc - leaf.not_valid_before_utc).total_seconds() == 600
    assert [entry.kind for entry in sigstore.entries] == ["dsse"]


def test_a_gitlab_identity_signs_an_sdist_and_the_attestation_verifies(sigstore, config):
    attestation = attest(config, SIGNING_GITLAB_CLAIMS)

    verify(config, attestation, GITLAB)
    claims = attestation.certificate_claims
    assert claims[fulcio_oid(14).dotted_string] == "refs/tags/v1.0.0"  # from `ref_type` and `ref`, as Fulcio does
    assert claims[fulcio_oid(21).dotted_string] == "https://gitlab.com/octo-group/octo-project/-/jobs/9600000001"
    [leaf] = sigstore.certificates_issued
    san = leaf.extensions.get_extension_for_class(SubjectAlternativeName)
    assert san.critical  # the subject is empty
    assert san.value.get_values_for_type(UniformResourceIdentifier) == [
        "https://gitlab.com/octo-group/octo-project//.gitlab-ci.yml@refs/tags/v1.0.0"
    ]


@pytest.mark.parametrize(
    ("claims", "publisher"),
    [
        (SIGNING_GITHUB_CLAIMS, GitHubPublisher(repository="octo-org/other-project", workflow="release.yml")),
        (SIGNING_GITHUB_CLAIMS, GitHubPublisher(repository="octo-org/octo-project", workflow="ci.yml")),
        (SIGNING_GITLAB_CLAIMS, GitLabPublisher(repository="octo-group/other", workflow_filepath=".gitlab-ci.yml")),
        (SIGNING_GITLAB_CLAIMS, GitLabPublisher(repository="octo-group/octo-project", workflow_filepath="ci.yml")),
        (SIGNING_GITHUB_CLAIMS, GITLAB),
    ],
    ids=["github-repository", "github-workflow", "gitlab-repository", "gitlab-workflow", "another-issuer"],
)
def test_a_policy_naming_another_publisher_fails(config, claims, publisher):
    attestation = attest(config, claims)

    with pytest.raises(VerificationError):
        verify(config, attestation, publisher)


def test_another_sigstores_trusted_root_does_not_verify(config):
    attestation = attest(config, SIGNING_GITHUB_CLAIMS)

    with SigstoreStandIn() as other:
        other_root = ClientTrustConfig.from_json(json.dumps(other.trust_config)).trusted_root
        with pytest.raises(VerificationError):
            Verifier(trusted_root=other_root).verify_dsse(attestation.to_bundle(), GITHUB._as_policy())  # noqa: SLF001


def signing_cert_request(sigstore: SigstoreStandIn, token: str) -> requests.Response:
    """What sigstore-python sends to Fulcio, sent by hand (its `IdentityToken` refuses such tokens before Fulcio can)."""
    key = ec.generate_private_key(ec.SECP256R1())
    csr = CertificateSigningRequestBuilder().subject_name(Name([])).sign(key, hashes.SHA256())
    body = {"certificateSigningRequest": base64.b64encode(csr.public_bytes(serialization.Encoding.PEM)).decode()}
    return requests.post(
        f"{sigstore.url}/api/v2/signingCert", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


@pytest.mark.parametrize(
    "token",
    [
        identity_token(audience="pypi"),
        identity_token(exp=1_000_000_000),
        identity_token(iss="https://issuer.example"),
        "not-a-jwt",
    ],
    ids=["wrong-audience", "expired", "unknown-issuer", "garbage"],
)
def test_fulcio_refuses_a_token_it_cannot_authenticate(sigstore, token):
    response = signing_cert_request(sigstore, token)

    # Fulcio answers a failed `Authenticate` with gRPC InvalidArgument, which its gateway sends as 400.
    assert response.status_code == 400
    assert response.json() == {"code": 3, "message": "There was an error processing the identity token", "details": []}
    assert sigstore.certificates_issued == []


def test_fulcio_refuses_a_token_without_a_claim_its_templates_name(sigstore):
    response = signing_cert_request(sigstore, identity_token(GITHUB_CLAIMS))  # no job_workflow_ref, sha, run_id, ...

    assert response.status_code == 400
    assert "not present in either claims or defaults" in response.json()["message"]


def test_fulcio_checks_the_proof_of_possession(sigstore):
    key = ec.generate_private_key(ec.SECP256R1())
    csr = CertificateSigningRequestBuilder().subject_name(Name([])).sign(key, hashes.SHA256())
    der = bytearray(csr.public_bytes(serialization.Encoding.DER))
    der[-1] ^= 1  # the self-signature's last byte
    pem = (
        b"-----BEGIN CERTIFICATE REQUEST-----\n"
        + base64.encodebytes(bytes(der))
        + b"-----END CERTIFICATE REQUEST-----\n"
    )
    response = requests.post(
        f"{sigstore.url}/api/v2/signingCert",
        json={"certificateSigningRequest": base64.b64encode(pem).decode()},
        headers={"Authorization": f"Bearer {identity_token()}"},
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["message"] == "The signature supplied in the request could not be verified"


def test_a_fulcio_fault_stops_the_signer_with_fulcios_message(sigstore, config):
    sigstore.fulcio_fails = (503, "Fulcio is down for maintenance")

    with pytest.raises(FulcioClientError) as raised:
        attest(config, SIGNING_GITHUB_CLAIMS)

    # sigstore-python 4.5 reads the message only from a truthy response, and a 4xx/5xx response is falsy: the
    # message is on the HTTP error it chains.
    assert raised.value.__cause__.response.status_code == 503
    assert raised.value.__cause__.response.json() == {
        "code": 14,
        "message": "Fulcio is down for maintenance",
        "details": [],
    }


def test_a_rekor_fault_stops_the_signing_with_rekors_message(sigstore, config):
    sigstore.rekor_fails = (500, "error communicating with trillian")

    with pytest.raises(RekorClientError, match="500: error communicating with trillian"):
        attest(config, SIGNING_GITHUB_CLAIMS)
    assert len(sigstore.certificates_issued) == 1
    assert sigstore.entries == []


def test_hashedrekord_entries_and_a_growing_log_verify(sigstore, config):
    context = SigningContext.from_trust_config(config)
    verifier = Verifier(trusted_root=config.trusted_root)
    policy = Identity(
        identity="https://github.com/octo-org/octo-project/.github/workflows/release.yml@refs/tags/v1.0.0",
        issuer="https://token.actions.githubusercontent.com",
    )
    with context.signer(IdentityToken(identity_token())) as signer:
        bundles = [(data, signer.sign_artifact(data)) for data in (b"one", b"two", b"three", b"four", b"five")]

    for data, bundle in bundles:
        verifier.verify_artifact(data, bundle, policy)
    assert [entry.index for entry in sigstore.entries] == [0, 1, 2, 3, 4]
    assert {entry.kind for entry in sigstore.entries} == {"hashedrekord"}
    # Read back, the first entry is proved against the tree of five, and that proof and its checkpoint verify too.
    entry = RekorClient(sigstore.url).log.entries.get(uuid=sigstore.entries[0].uuid)
    assert entry._inner.inclusion_proof.tree_size == 5  # noqa: SLF001
    entry._verify(config.trusted_root.rekor_keyring(KeyringPurpose.VERIFY))  # noqa: SLF001


def dsse_proposal(envelope: str, certificate_pem: bytes) -> dict:
    """A Rekor v1 dsse proposal, as sigstore-python builds it."""
    content = {"envelope": envelope, "verifiers": [base64.b64encode(certificate_pem).decode()]}
    return {"apiVersion": "0.0.1", "kind": "dsse", "spec": {"proposedContent": content}}


def test_rekor_refuses_an_entry_it_holds_and_a_signature_that_fails(sigstore, config):
    bundle = attest(config, SIGNING_GITHUB_CLAIMS).to_bundle()
    envelope = bundle._dsse_envelope.to_json()  # noqa: SLF001
    certificate = bundle.signing_certificate.public_bytes(serialization.Encoding.PEM)
    tampered = json.dumps({**json.loads(envelope), "payload": base64.b64encode(b"{}").decode()})

    replayed = requests.post(
        f"{sigstore.url}/api/v1/log/entries", json=dsse_proposal(envelope, certificate), timeout=10
    )
    forged = requests.post(f"{sigstore.url}/api/v1/log/entries", json=dsse_proposal(tampered, certificate), timeout=10)

    assert replayed.status_code == 409
    assert replayed.json() == {
        "code": 409,
        "message": f"an equivalent entry already exists in the transparency log with UUID {sigstore.entries[0].uuid}",
    }
    assert forged.status_code == 400
    assert forged.json() == {
        "code": 400,
        "message": "error processing entry: all signatures must have a key that verifies it",
    }
    assert len(sigstore.entries) == 1
