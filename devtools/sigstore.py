"""A loopback Sigstore for end-to-end tests: Fulcio and Rekor (v1) on 127.0.0.1, with keys made here, for the real clients.

What it stands in for, and what it copies (read from sigstore/fulcio and sigstore/rekor, not from their clients):

- Fulcio's `POST /api/v2/signingCert` (grpc-gateway JSON). `Authorization: Bearer <JWT>` names the identity; the JWT's
  signature is not checked (the tokens come from `devtools.oidc.make_jwt`), but what go-oidc checks is: a known issuer,
  `sigstore` among the audiences, not expired. A refused token gets what Fulcio answers for any failed
  `Authenticate`: 400 `{"code": 3, "message": "There was an error processing the identity token"}` (gRPC
  InvalidArgument; `pkg/server/grpc_server.go`). The CSR (`certificateSigningRequest`, base64 of its PEM) must carry a
  good key and a valid self-signature (the proof of possession). The leaf lives 10 minutes, has an empty subject, a
  critical URI SAN, code-signing usage, and the OID 1.3.6.1.4.1.57264.1.x extensions made, as Fulcio's
  `ciprovider` does, from the templates of `config/identity/config.yaml` for GitHub Actions and GitLab CI (a claim a
  template names but the token lacks is refused with 400, as there). Like Fulcio with a CT log, it has the CT log
  key sign an SCT over the precertificate's TBS and embeds that SCT in the final certificate; the answer is
  `{"signedCertificateEmbeddedSct": {"chain": {"certificates": [leaf, intermediate, root]}}}` in PEM.
- Rekor v1's `POST /api/v1/log/entries` for `dsse` and `hashedrekord` 0.0.1 (`pkg/types/*/v0.0.1/entry.go`,
  `pkg/api/entries.go`): it verifies the proposed signatures against the proposed verifiers, stores the body Rekor
  stores (JCS; for dsse the payload and envelope hashes and the signatures with the verifier's canonical PEM, never
  the envelope), and answers 201 `{entryID: {body, integratedTime, logID, logIndex, verification:
  {signedEntryTimestamp, inclusionProof: {checkpoint, hashes, logIndex, rootHash, treeSize}}}}`: an RFC 6962 Merkle
  tree over every entry so far, a checkpoint signed as a note (`<origin> - <treeID>`, the key hash in the signature)
  and the SET over the JCS of `{body, integratedTime, logID, logIndex}`, all by the log's P-256 key. An entry already
  in the log gets 409, a bad one 400 `{"code": 400, "message": "error processing entry: ..."}`.

sigstore-python (4.5) takes `http://` URLs from a signing config, so this serves plain HTTP; it needs no timestamp
authority, the Rekor v1 integrated time (bound by the SET) being the verified time. `write_trust_config` writes the
client trust config (`sigstore --trust-config`, `ClientTrustConfig.from_json`) naming this server as Fulcio and as a
Rekor of major API version 1, and its trusted root holds the CA chain, the Rekor key and the CT log key.

Faults: `fulcio_fails` / `rekor_fails` = `(status, message)` answers every request to that service with the
service's error body until set back to None. (sigstore-python 4.5 drops Fulcio's message from `FulcioClientError`,
testing `if http_error.response:`, false for an error status; the chained `requests.HTTPError` still has it. Rekor's
reaches `RekorClientError` as "<code>: <message>".)

Signing and verifying with it, as a test does:

    config = ClientTrustConfig.from_json(sigstore.write_trust_config(tmp_path / "trust.json").read_text())
    with SigningContext.from_trust_config(config).signer(IdentityToken(identity_token(SIGNING_GITHUB_CLAIMS))) as s:
        attestation = Attestation.sign(s, Distribution.from_file(sdist))
    Verifier(trusted_root=config.trusted_root).verify_dsse(attestation.to_bundle(), publisher._as_policy())
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rfc8785
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from devtools.background import HOST, BackgroundServer, QuietHTTPServer, answer
from devtools.oidc import GITHUB_CLAIMS, jwt_claims, make_jwt

if TYPE_CHECKING:
    from collections.abc import Callable

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GITLAB_ISSUER = "https://gitlab.com"
AUDIENCE = "sigstore"
CERTIFICATE_LIFETIME = datetime.timedelta(minutes=10)

_SHA = "4f8a2c9d1e6b7a3c5d0e9f8a7b6c5d4e3f2a1b0c"

# A GitHub Actions token as GitHub mints it (the claims Fulcio's templates name are all here): `GITHUB_CLAIMS` plus
# the job's commit, run and ids. `aud` is the requester's (`identity_token` adds it).
SIGNING_GITHUB_CLAIMS: dict[str, Any] = {
    **GITHUB_CLAIMS,
    "actor": "octocat",
    "actor_id": "583231",
    "event_name": "push",
    "ref_type": "tag",
    "ref_protected": "true",
    "repository_id": "700000001",
    "repository_owner_id": "900000001",
    "repository_visibility": "public",
    "run_id": "8000000001",
    "run_number": "42",
    "run_attempt": "1",
    "runner_environment": "github-hosted",
    "sha": _SHA,
    "workflow": "Release",
    "workflow_sha": _SHA,
    "job_workflow_ref": GITHUB_CLAIMS["workflow_ref"],
    "job_workflow_sha": _SHA,
}

# A GitLab CI `id_tokens:` token as gitlab.com mints it.
SIGNING_GITLAB_CLAIMS: dict[str, Any] = {
    "iss": GITLAB_ISSUER,
    "sub": "project_path:octo-group/octo-project:ref_type:tag:ref:v1.0.0",
    "namespace_id": "4200001",
    "namespace_path": "octo-group",
    "project_id": "4300001",
    "project_path": "octo-group/octo-project",
    "user_id": "4400001",
    "user_login": "octocat",
    "pipeline_id": "1500000001",
    "pipeline_source": "push",
    "job_id": "9600000001",
    "ref": "v1.0.0",
    "ref_type": "tag",
    "ref_path": "refs/tags/v1.0.0",
    "ref_protected": "true",
    "environment": "release",
    "environment_protected": "true",
    "deployment_tier": "production",
    "runner_id": 12270859,
    "runner_environment": "gitlab-hosted",
    "sha": _SHA,
    "project_visibility": "public",
    "ci_config_ref_uri": "gitlab.com/octo-group/octo-project//.gitlab-ci.yml@refs/tags/v1.0.0",
    "ci_config_sha": _SHA,
}


def identity_token(claims: dict[str, Any] = SIGNING_GITHUB_CLAIMS, audience: str = AUDIENCE, **overrides: Any) -> str:
    """A JWT with these claims for this audience, as the CI would hand it to a Sigstore client."""
    return make_jwt({**claims, "aud": audience, **overrides})


# --- Fulcio's identity templates (config/identity/config.yaml), by the OID arc after 1.3.6.1.4.1.57264.1 ---
#
# A template is a claim name (its value), a format string over the claims and defaults, or a function of them.


def _gitlab_ref(values: dict[str, str]) -> str:
    return f"refs/{'heads' if values['ref_type'] == 'branch' else 'tags'}/{values['ref']}"


@dataclass(frozen=True)
class _Provider:
    defaults: dict[str, str]
    san: str
    extensions: dict[int, str | Callable[[dict[str, str]], str]]  # by arc


_PROVIDERS = {
    GITHUB_ISSUER: _Provider(
        defaults={"url": "https://github.com", "environment": ""},
        san="{url}/{job_workflow_ref}",
        extensions={
            2: "event_name",
            3: "sha",
            4: "workflow",
            5: "repository",
            6: "ref",
            9: "{url}/{job_workflow_ref}",
            10: "job_workflow_sha",
            11: "runner_environment",
            12: "{url}/{repository}",
            13: "sha",
            14: "ref",
            15: "repository_id",
            16: "{url}/{repository_owner}",
            17: "repository_owner_id",
            18: "{url}/{workflow_ref}",
            19: "workflow_sha",
            20: "event_name",
            21: "{url}/{repository}/actions/runs/{run_id}/attempts/{run_attempt}",
            22: "repository_visibility",
            23: "environment",
        },
    ),
    GITLAB_ISSUER: _Provider(
        defaults={"url": "https://gitlab.com", "environment": ""},
        san="https://{ci_config_ref_uri}",
        extensions={
            9: "https://{ci_config_ref_uri}",
            10: "ci_config_sha",
            11: "runner_environment",
            12: "{url}/{project_path}",
            13: "sha",
            14: _gitlab_ref,
            15: "project_id",
            16: "{url}/{namespace_path}",
            17: "namespace_id",
            18: "https://{ci_config_ref_uri}",
            19: "ci_config_sha",
            20: "pipeline_source",
            21: "{url}/{project_path}/-/jobs/{job_id}",
            22: "project_visibility",
            23: "environment",
        },
    ),
}

_RAW_ARCS = range(1, 7)  # 1.1 to 1.6 hold the bare string; 1.8 and up a DER UTF8String


def fulcio_oid(arc: int) -> x509.ObjectIdentifier:
    return x509.ObjectIdentifier(f"1.3.6.1.4.1.57264.1.{arc}")


class _Refusal(Exception):  # noqa: N818 -- an answer, not a failure of ours
    """An error answer: the status and the JSON body the real service sends."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message"))
        self.status = status
        self.body = body


_GRPC_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13, 501: 12, 503: 14, 504: 4}


def fulcio_error(status: int, message: str) -> _Refusal:
    """Fulcio's grpc-gateway error: the gRPC code, not the HTTP status, is the body's `code`."""
    return _Refusal(status, {"code": _GRPC_CODES.get(status, 2), "message": message, "details": []})


def rekor_error(status: int, message: str) -> _Refusal:
    return _Refusal(status, {"code": status, "message": message})


def _claim_text(value: object) -> str:
    """A claim as Fulcio's `mapValuesToString` writes it (JSON numbers without a fraction as integers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _render(template: str | Callable[[dict[str, str]], str], values: dict[str, str]) -> str:
    try:
        if callable(template):
            return template(values)
        if "{" in template:
            return template.format_map(values)
        return values[template]
    except KeyError as missing:
        message = f"value <{missing.args[0]}> not present in either claims or defaults"
        raise fulcio_error(400, message) from None


_LONG_FORM = 0x80  # a DER length of 128 or more: this bit, then how many octets follow


def _der_length(length: int) -> bytes:
    if length < _LONG_FORM:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([_LONG_FORM | len(octets)]) + octets


def _der(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def identity_extensions(claims: dict[str, Any]) -> tuple[str, list[x509.UnrecognizedExtension]]:
    """The SAN URI and the Fulcio extensions for a CI token's claims, as Fulcio's `ciprovider` renders them."""
    provider = _PROVIDERS[claims["iss"]]
    values = {**provider.defaults, **{name: _claim_text(value) for name, value in claims.items()}}
    san = _render(provider.san, values)
    texts = {1: claims["iss"], 8: claims["iss"], 24: _claim_text(claims.get("sub", ""))}
    texts.update({arc: _render(template, values) for arc, template in provider.extensions.items()})
    extensions = []
    for arc in sorted(texts):
        text = texts[arc]
        if text:  # Fulcio leaves out an empty value
            value = text.encode() if arc in _RAW_ARCS else _der(0x0C, text.encode())
            extensions.append(x509.UnrecognizedExtension(fulcio_oid(arc), value))
    return san, extensions


def _authenticate(token: str) -> dict[str, Any]:
    """The claims of a token Fulcio would authenticate (its signature aside); a refusal for any other."""
    refused = fulcio_error(400, "There was an error processing the identity token")
    try:
        claims = jwt_claims(token)
    except (IndexError, ValueError):
        raise refused from None
    if not isinstance(claims, dict):
        raise refused
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") not in _PROVIDERS or AUDIENCE not in audiences:
        raise refused
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < time.time():
        raise refused
    return claims


def _good_key(key: object) -> bool:
    """What Fulcio's goodkey accepts: ECDSA on NIST curves, RSA of 2048 bits or more, Ed25519."""
    if isinstance(key, ec.EllipticCurvePublicKey):
        return isinstance(key.curve, (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1))
    if isinstance(key, rsa.RSAPublicKey):
        return key.key_size >= 2048  # noqa: PLR2004
    return isinstance(key, ed25519.Ed25519PublicKey)


def _read_csr(body: bytes) -> x509.CertificateSigningRequest:
    try:
        request = json.loads(body)
        csr = x509.load_pem_x509_csr(base64.b64decode(request["certificateSigningRequest"]))
    except (ValueError, KeyError, TypeError):
        raise fulcio_error(400, "The certificate signing request could not be parsed") from None
    if not _good_key(csr.public_key()):
        raise fulcio_error(400, "The public key supplied in the request is insecure")
    if not csr.is_signature_valid:
        raise fulcio_error(400, "The signature supplied in the request could not be verified")
    return csr


def _spki(key: Any) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: Any) -> bytes:
    """RFC 6962's key ID, which Rekor's log ID and the CT log's ID both are: SHA-256 of the DER SubjectPublicKeyInfo."""
    return hashlib.sha256(_spki(key)).digest()


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _ca(
    name: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None
) -> x509.Certificate:
    """Fulcio's root (path length 1) or intermediate (path length 0, code signing), valid a day either side of now."""
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sigstore.dev"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer[0].subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0 if issuer else 1), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False
        ).add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), critical=False)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA384())


_LEAF_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def _sct_list(ct_key: ec.EllipticCurvePrivateKey, tbs: bytes, issuer_key: Any) -> bytes:
    """A TLS `SignedCertificateTimestampList` of one v1 SCT for a precertificate's TBS (RFC 6962 3.2 and 3.3)."""
    timestamp = int(time.time() * 1000)
    signed = (
        struct.pack("!BBQH", 0, 0, timestamp, 1)  # v1, certificate_timestamp, timestamp, precert_entry
        + key_id(issuer_key)
        + len(tbs).to_bytes(3, "big")
        + tbs
        + struct.pack("!H", 0)  # no extensions
    )
    signature = ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
    sct = (
        struct.pack("!B", 0)
        + key_id(ct_key.public_key())
        + struct.pack("!QH", timestamp, 0)
        + struct.pack("!BBH", 4, 3, len(signature))  # sha256, ecdsa
        + signature
    )
    serialized = struct.pack("!H", len(sct)) + sct
    return struct.pack("!H", len(serialized)) + serialized


# --- Rekor's log: RFC 6962 hashes ---


def _leaf_hash(body: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + body).digest()


def _node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (> 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def merkle_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return _node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def inclusion_path(index: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962's PATH(m, D[n]), from the leaf's sibling up."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_path(index, leaves[:k]), merkle_root(leaves[k:])]
    return [*inclusion_path(index - k, leaves[k:]), merkle_root(leaves[:k])]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _canonical_verifier(encoded: str) -> tuple[Any, str]:
    """A proposed verifier (base64 of a PEM certificate or public key): its key and Rekor's canonical PEM of it."""
    try:
        pem = base64.b64decode(encoded)
        if b"CERTIFICATE" in pem:
            cert = x509.load_pem_x509_certificate(pem)
            return cert.public_key(), _b64(cert.public_bytes(serialization.Encoding.PEM))
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise rekor_error(400, "error processing entry: could not parse public key as x509") from None
    return key, _b64(key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def _verifies(key: Any, signature: bytes, data: bytes, prehashed: hashes.HashAlgorithm | None = None) -> bool:
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(signature, data, ec.ECDSA(Prehashed(prehashed) if prehashed else hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _pae(payload_type: str, payload: bytes) -> bytes:
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def dsse_body(spec: dict[str, Any]) -> dict[str, Any]:
    """Rekor's stored dsse 0.0.1 body for a proposed `{"proposedContent": {"envelope", "verifiers"}}`."""
    try:
        raw_envelope = spec["proposedContent"]["envelope"]
        encoded_verifiers = spec["proposedContent"]["verifiers"]
        envelope = json.loads(raw_envelope)
        payload = base64.b64decode(envelope["payload"])
        pae = _pae(envelope["payloadType"], payload)
        signatures = [item["sig"] for item in envelope["signatures"]]
    except (KeyError, TypeError, ValueError):
        raise rekor_error(400, "error processing entry: proposed content envelope is missing or malformed") from None
    if not signatures:
        raise rekor_error(400, "error processing entry: DSSE envelope must contain 1 or more signatures")
    verifiers = [_canonical_verifier(encoded) for encoded in encoded_verifiers]
    stored = []
    for signature in sorted(signatures):
        canonical = next((pem for key, pem in verifiers if _verifies(key, base64.b64decode(signature), pae)), None)
        if canonical is None:
            raise rekor_error(400, "error processing entry: all signatures must have a key that verifies it")
        stored.append({"signature": signature, "verifier": canonical})
    return {
        "apiVersion": "0.0.1",
        "kind": "dsse",
        "spec": {
            "envelopeHash": {"algorithm": "sha256", "value": hashlib.sha256(raw_envelope.encode()).hexdigest()},
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
            "signatures": stored,
        },
    }


_DIGESTS = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


def hashedrekord_body(spec: dict[str, Any]) -> dict[str, Any]:
    """Rekor's stored hashedrekord 0.0.1 body, after checking the signature over the digest."""
    try:
        algorithm = spec["data"]["hash"]["algorithm"]
        digest = spec["data"]["hash"]["value"]
        signature = spec["signature"]["content"]
        key, canonical = _canonical_verifier(spec["signature"]["publicKey"]["content"])
        verified = _verifies(key, base64.b64decode(signature), bytes.fromhex(digest), _DIGESTS[algorithm])
    except (KeyError, TypeError, ValueError):
        raise rekor_error(400, "error processing entry: invalid hashedrekord") from None
    if not verified:
        raise rekor_error(400, "error processing entry: verifying signature: invalid signature")
    return {
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": algorithm, "value": digest}},
            "signature": {"content": signature, "publicKey": {"content": canonical}},
        },
    }


_KINDS = {("dsse", "0.0.1"): dsse_body, ("hashedrekord", "0.0.1"): hashedrekord_body}


@dataclass(frozen=True)
class LogEntry:
    """An entry of the stand-in Rekor: its index, entry ID (tree ID + leaf hash), stored body and integration time."""

    index: int
    uuid: str
    body: dict[str, Any]
    canonical_body: bytes
    integrated_time: int

    @property
    def kind(self) -> str:
        return self.body["kind"]


class SigstoreStandIn(BackgroundServer):
    """`with SigstoreStandIn() as sigstore:` then `sigstore.write_trust_config(tmp_path / "trust.json")`.

    `url` serves both Fulcio and Rekor; `certificates_issued` holds the leaves Fulcio gave, `entries` the log's entries
    (`LogEntry`); `root` and `intermediate` are the CA's certificates, `log_id` Rekor's; `trust_config` is the client
    trust config as a dict. Set `fulcio_fails` or `rekor_fails` to `(status, message)` to have that service fail.
    """

    def __init__(self) -> None:
        self.fulcio_fails: tuple[int, str] | None = None
        self.rekor_fails: tuple[int, str] | None = None
        self.certificates_issued: list[x509.Certificate] = []
        self.entries: list[LogEntry] = []
        self._lock = threading.Lock()
        self._root_key = ec.generate_private_key(ec.SECP384R1())
        self._intermediate_key = ec.generate_private_key(ec.SECP384R1())
        self.root = _ca("sigstore", self._root_key, None)
        self.intermediate = _ca("sigstore-intermediate", self._intermediate_key, (self.root, self._root_key))
        self._ct_key = ec.generate_private_key(ec.SECP256R1())
        self._rekor_key = ec.generate_private_key(ec.SECP256R1())
        self.log_id = key_id(self._rekor_key.public_key())
        self.tree_id = secrets.randbelow(2**63)
        super().__init__(QuietHTTPServer((HOST, 0), _handler(self)))
        self.url = f"http://{HOST}:{self.port}"
        self._origin = f"{HOST}:{self.port} - {self.tree_id}"

    # --- Fulcio ---

    def signing_cert(self, authorization: str, body: bytes) -> dict[str, Any]:
        if self.fulcio_fails:
            raise fulcio_error(*self.fulcio_fails)
        scheme, _, token = authorization.partition(" ")
        claims = _authenticate(token if scheme.lower() == "bearer" else "")
        csr = _read_csr(body)
        san, extensions = identity_extensions(claims)
        leaf = self._issue(csr.public_key(), san, extensions)
        with self._lock:
            self.certificates_issued.append(leaf)
        chain = [_pem(leaf), _pem(self.intermediate), _pem(self.root)]
        return {"signedCertificateEmbeddedSct": {"chain": {"certificates": chain}}}

    def _issue(self, key: Any, san: str, extensions: list[x509.UnrecognizedExtension]) -> x509.Certificate:
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([]))
            .issuer_name(self.intermediate.subject)
            .public_key(key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + CERTIFICATE_LIFETIME)
            .add_extension(_LEAF_USAGE, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._intermediate_key.public_key()), critical=False
            )
            .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(san)]), critical=True)
        )
        for extension in extensions:
            builder = builder.add_extension(extension, critical=False)
        # The SCT signs the precertificate's TBS without its poison, which is this certificate's TBS without the SCTs.
        tbs = builder.sign(self._intermediate_key, hashes.SHA384()).tbs_certificate_bytes
        scts = _sct_list(self._ct_key, tbs, self._intermediate_key.public_key())
        embedded = x509.UnrecognizedExtension(ExtensionOID.PRECERT_SIGNED_CERTIFICATE_TIMESTAMPS, _der(0x04, scts))
        return builder.add_extension(embedded, critical=False).sign(self._intermediate_key, hashes.SHA384())

    # --- Rekor ---

    def create_entry(self, body: bytes) -> tuple[str, dict[str, Any]]:
        if self.rekor_fails:
            raise rekor_error(*self.rekor_fails)
        try:
            proposed = json.loads(body)
            make_body = _KINDS[proposed["kind"], proposed["apiVersion"]]
        except (ValueError, KeyError, TypeError):
            raise rekor_error(400, "error processing entry: unsupported or malformed entry kind") from None
        stored = make_body(proposed.get("spec") or {})
        canonical = rfc8785.dumps(stored)
        leaf = _leaf_hash(canonical)
        with self._lock:
            for entry in self.entries:
                if entry.canonical_body == canonical:
                    message = f"an equivalent entry already exists in the transparency log with UUID {entry.uuid}"
                    raise rekor_error(409, message)
            entry = LogEntry(len(self.entries), f"{self.tree_id:016x}{leaf.hex()}", stored, canonical, int(time.time()))
            self.entries.append(entry)
            return entry.uuid, self.entry_answer(entry)

    def entry_answer(self, entry: LogEntry) -> dict[str, Any]:
        """`{uuid: LogEntry}` as Rekor answers it, proved against the tree as it is now."""
        leaves = [_leaf_hash(each.canonical_body) for each in self.entries]
        root = merkle_root(leaves)
        anonymous = {
            "body": _b64(entry.canonical_body),
            "integratedTime": entry.integrated_time,
            "logID": self.log_id.hex(),
            "logIndex": entry.index,
        }
        promise = self._rekor_key.sign(rfc8785.dumps(anonymous), ec.ECDSA(hashes.SHA256()))
        proof = {
            "checkpoint": self.checkpoint(len(leaves), root),
            "hashes": [each.hex() for each in inclusion_path(entry.index, leaves)],
            "logIndex": entry.index,
            "rootHash": root.hex(),
            "treeSize": len(leaves),
        }
        return {
            entry.uuid: {**anonymous, "verification": {"inclusionProof": proof, "signedEntryTimestamp": _b64(promise)}}
        }

    def checkpoint(self, size: int, root: bytes) -> str:
        """Rekor's signed checkpoint: the note, a blank line, and `— <name> <base64(key hash[:4] + signature)>`."""
        note = f"{self._origin}\n{size}\n{_b64(root)}\n"
        signature = self._rekor_key.sign(note.encode(), ec.ECDSA(hashes.SHA256()))
        name = self._origin.split(" ")[0]
        return f"{note}\n\u2014 {name} {_b64(self.log_id[:4] + signature)}\n"

    def log_info(self) -> dict[str, Any]:
        with self._lock:
            leaves = [_leaf_hash(each.canonical_body) for each in self.entries]
        root = merkle_root(leaves)
        return {
            "rootHash": root.hex(),
            "treeSize": len(leaves),
            "signedTreeHead": self.checkpoint(len(leaves), root),
            "treeID": str(self.tree_id),
        }

    def find_entry(self, uuid: str) -> dict[str, Any]:
        with self._lock:
            for entry in self.entries:
                if uuid in {entry.uuid, entry.uuid[16:]}:
                    return self.entry_answer(entry)
        raise rekor_error(404, "entry not found")

    # --- the client trust config ---

    @property
    def trust_config(self) -> dict[str, Any]:
        """The client trust config (`application/vnd.dev.sigstore.clienttrustconfig.v0.1+json`) naming this server."""
        start = self.root.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ")

        def tlog(url: str, key: Any) -> dict[str, Any]:
            return {
                "baseUrl": url,
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": _b64(_spki(key)),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                    "validFor": {"start": start},
                },
                "logId": {"keyId": _b64(key_id(key))},
            }

        def service(url: str) -> dict[str, Any]:
            return {"url": url, "majorApiVersion": 1, "validFor": {"start": start}, "operator": HOST}

        der = serialization.Encoding.DER
        trusted_root = {
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [tlog(self.url, self._rekor_key.public_key())],
            "certificateAuthorities": [
                {
                    "subject": {"organization": "sigstore.dev", "commonName": "sigstore"},
                    "uri": self.url,
                    "certChain": {
                        "certificates": [
                            {"rawBytes": _b64(self.intermediate.public_bytes(der))},
                            {"rawBytes": _b64(self.root.public_bytes(der))},
                        ]
                    },
                    "validFor": {"start": start},
                }
            ],
            "ctlogs": [tlog(f"{self.url}/ct", self._ct_key.public_key())],
            "timestampAuthorities": [],
        }
        signing_config = {
            "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
            "caUrls": [service(self.url)],
            "oidcUrls": [],
            "rekorTlogUrls": [service(self.url)],
            "tsaUrls": [],
            "rekorTlogConfig": {"selector": "ANY"},
            "tsaConfig": {"selector": "ANY"},
        }
        return {
            "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
            "trustedRoot": trusted_root,
            "signingConfig": signing_config,
        }

    def write_trust_config(self, path: Path | str) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.trust_config, indent=2))
        return path


def _handler(standin: SigstoreStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def _json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
            answer(self, status, json.dumps(body).encode(), "application/json", headers)

        def _serve(self, route: Callable[[], tuple[int, object, dict[str, str] | None]]) -> None:
            try:
                status, body, headers = route()
            except _Refusal as refusal:
                status, body, headers = refusal.status, refusal.body, None
            self._json(status, body, headers)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = self.path.split("?")[0]
            if path == "/api/v2/signingCert":
                self._serve(lambda: (200, standin.signing_cert(self.headers.get("Authorization", ""), body), None))
            elif path == "/api/v1/log/entries":
                self._serve(lambda: self._created(body))
            else:
                self._json(404, {"code": 404, "message": f"path {path} was not found"})

        def _created(self, body: bytes) -> tuple[int, object, dict[str, str]]:
            uuid, entry = standin.create_entry(body)
            return 201, entry, {"Location": f"/api/v1/log/entries/{uuid}", "ETag": uuid}

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/api/v2/trustBundle":
                chain = {"certificates": [_pem(standin.intermediate), _pem(standin.root)]}
                self._json(200, {"chains": [chain]})
            elif path == "/api/v1/log":
                self._serve(lambda: (200, standin.log_info(), None))
            elif path.startswith("/api/v1/log/entries/"):
                self._serve(lambda: (200, standin.find_entry(path.rsplit("/", 1)[1]), None))
            else:
                self._json(404, {"code": 404, "message": f"path {path} was not found"})

    return Handler
