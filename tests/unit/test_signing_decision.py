"""Option `sign`: whether a batch is signed with Sigstore, decided from data alone (pure), and the small helpers of
signing.py that need no Sigstore service."""

from __future__ import annotations

import base64
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.oidc import make_jwt
from hatch_custom_index import signing
from hatch_custom_index.artifacts import Artifact
from hatch_custom_index.errors import ConfigurationError, Secret
from hatch_custom_index.plan import SigningVerdict, signing_decision, takes_attestations
from hatch_custom_index.settings import AttestationsMode, SignMode


def decide(mode: SignMode, *, trusted: bool = True, takes: bool = True, library: str | None = None, source="GitHub"):
    return signing_decision(
        mode, trusted_publishing=trusted, takes_attestations=takes, missing_library=library, identity_source=source
    )


def test_auto_signs_with_trusted_publishing_an_identity_and_an_index_that_takes_attestations():
    decision = decide(SignMode.AUTO)
    assert decision.verdict is SigningVerdict.SIGN
    assert "GitHub" in decision.reason


@pytest.mark.parametrize(
    ("trusted", "takes", "why"),
    [(False, True, "trusted publishing"), (True, False, "attestations = true")],
)
def test_auto_passes_quietly_where_signing_is_not_wanted(trusted, takes, why):
    decision = decide(SignMode.AUTO, trusted=trusted, takes=takes, library="no library", source=None)
    assert decision.verdict is SigningVerdict.SKIP
    assert why in decision.reason


@pytest.mark.parametrize(
    ("mode", "verdict"), [(SignMode.AUTO, SigningVerdict.WARN), (SignMode.ALWAYS, SigningVerdict.STOP)]
)
def test_what_cannot_sign_warns_under_auto_and_stops_under_true(mode, verdict):
    missing = decide(mode, library="signing needs the extra")
    assert (missing.verdict, missing.reason) == (verdict, "signing needs the extra")
    nobody = decide(mode, source=None)
    assert nobody.verdict is verdict
    assert "SIGSTORE_ID_TOKEN" in nobody.reason
    assert "id-token: write" in nobody.reason


def test_true_signs_a_password_upload_and_false_never_signs():
    assert decide(SignMode.ALWAYS, trusted=False, takes=False).verdict is SigningVerdict.SIGN
    assert decide(SignMode.NEVER).verdict is SigningVerdict.SKIP


@pytest.mark.parametrize(
    ("mode", "public", "expected"),
    [
        (AttestationsMode.AUTO, True, True),
        (AttestationsMode.AUTO, False, False),
        (AttestationsMode.ALWAYS, False, True),
        (AttestationsMode.NEVER, True, False),
    ],
)
def test_which_indexes_take_attestations(mode, public, expected):
    assert takes_attestations(mode, public=public) is expected


@pytest.mark.parametrize(
    ("environ", "source"),
    [
        ({"SIGSTORE_ID_TOKEN": "x"}, "SIGSTORE_ID_TOKEN"),
        ({"GITLAB_CI": "true", "SIGSTORE_ID_TOKEN": "x"}, "SIGSTORE_ID_TOKEN"),
        ({"GITHUB_ACTIONS": "true"}, "GitHub Actions"),
        ({"GITLAB_CI": "true"}, None),  # GitLab gives an identity only through a job's `id_tokens:` entry
        ({"BUILDKITE": "true"}, None),  # PyPI takes attestations from GitHub, GitLab and Google only
        ({}, None),
    ],
)
def test_where_the_identity_for_signing_comes_from(environ, source, monkeypatch):
    monkeypatch.setattr("hatch_custom_index.tokens.identity._on_google_cloud", lambda: False)
    assert signing.identity_source(environ) == source


def test_the_identity_from_the_environment_is_taken_as_it_is():
    token = make_jwt({"iss": "https://gitlab.com", "aud": "sigstore", "sub": "project_path:o/p"})
    assert signing.signing_identity({"SIGSTORE_ID_TOKEN": token + "\n"}, timeout=1).reveal() == token


def test_no_ci_gives_no_identity_and_the_error_says_where_it_looked(monkeypatch):
    monkeypatch.setattr("hatch_custom_index.tokens.identity._on_google_cloud", lambda: False)
    with pytest.raises(signing.SigningError, match="no identity for signing from this machine"):
        signing.signing_identity({}, timeout=5)


def test_the_certificate_identity_is_named_from_the_claims_never_the_token():
    github = make_jwt({"job_workflow_ref": "o/p/.github/workflows/release.yml@refs/tags/v1", "sub": "repo:o/p"})
    assert (
        signing.certificate_identity(Secret(github))
        == "https://github.com/o/p/.github/workflows/release.yml@refs/tags/v1"
    )
    gitlab = make_jwt(
        {"ci_config_ref_uri": "gitlab.com/o/p//.gitlab-ci.yml@refs/heads/main", "sub": "project_path:o/p"}
    )
    assert signing.certificate_identity(Secret(gitlab)) == "https://gitlab.com/o/p//.gitlab-ci.yml@refs/heads/main"
    assert signing.certificate_identity(Secret("not-a-jwt")) == "an unknown identity"


def test_the_attestation_lives_beside_its_file():
    assert signing.attestation_path(Path("dist/a-1.0.tar.gz")) == Path("dist/a-1.0.tar.gz.publish.attestation")


def test_a_missing_library_names_the_extra_and_how_to_install_it(monkeypatch):
    monkeypatch.setattr(signing.importlib.util, "find_spec", lambda name: None if name == "sigstore" else object())
    reason = signing.missing_library()
    assert reason is not None
    assert "hatch-custom-index[attest]" in reason
    assert "sigstore not installed" in reason
    assert "pypi-attestations" not in reason
    monkeypatch.setattr(signing.importlib.util, "find_spec", lambda _name: object())
    assert signing.missing_library() is None


def test_the_extra_is_imported_only_when_a_batch_is_signed():
    """Hatch starts no slower with the extra installed: neither the plugin's entry point nor the whole run imports
    Sigstore until a batch is signed."""
    code = (
        "import sys, hatch_custom_index.hooks, hatch_custom_index.publisher, hatch_custom_index.pipeline;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sigstore', 'pypi_attestations'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert importlib.util.find_spec("sigstore") is not None  # the test would prove nothing without the extra


def test_a_service_s_refusal_is_told_in_its_own_words():
    import requests  # noqa: PLC0415 -- sigstore's own HTTP library

    response = requests.Response()
    response.status_code, response.url = 400, "https://fulcio.example/api/v2/signingCert"
    response._content = b'{"code": 3, "message": "There was an error processing the identity token"}'  # noqa: SLF001
    try:
        try:
            response.raise_for_status()
        except requests.HTTPError as http_error:
            raise RuntimeError from http_error  # as sigstore raises FulcioClientError, its message dropped
    except RuntimeError as error:
        words = signing.service_words(error)
    assert words == (
        "HTTP 400 from https://fulcio.example/api/v2/signingCert: There was an error processing the identity token"
    )
    assert signing.service_words(ValueError("plain words")) == "ValueError: plain words"


@pytest.mark.parametrize(
    ("claims", "checked"),
    [
        ({"iss": signing.GITHUB_ISSUER, "repository": "o/p"}, "https://github.com/o/p"),
        ({"iss": "https://gitlab.example", "project_path": "g/p"}, "https://gitlab.example/g/p"),
        ({"iss": signing.GOOGLE_ISSUER, "email": "ci@p.iam.gserviceaccount.com"}, "ci@p.iam.gserviceaccount.com"),
    ],
)
def test_the_publisher_policy_names_what_the_ci_claims(claims, checked):
    policy = signing.publisher_policy(claims)
    children = policy._children  # noqa: SLF001 -- sigstore's AllOf keeps its policies there
    assert len(children) == 2
    assert checked in repr(vars(children[1]))


def test_a_trust_config_that_cannot_be_read_names_the_option_and_the_path(tmp_path):
    sigstore = signing.Sigstore("missing.json", tmp_path, source="option `-o sigstore`", timeout=1, jobs=1)
    with pytest.raises(
        ConfigurationError, match=r"option `-o sigstore`: the Sigstore trust config .*missing.json cannot"
    ):
        sigstore.trust_config()
    (tmp_path / "huge.json").write_bytes(b" " * (signing.MAX_TRUST_CONFIG_BYTES + 1))
    huge = signing.Sigstore("huge.json", tmp_path, source="the config", timeout=1, jobs=1)
    with pytest.raises(ConfigurationError, match="larger than 1 MiB"):
        huge.trust_config()


def test_an_attestation_that_cannot_be_written_undoes_those_written_before_it(tmp_path):
    good, bad = tmp_path / "a-1.0.tar.gz", tmp_path / "missing" / "a-1.0-py3-none-any.whl"
    good.write_bytes(b"sdist")
    artifacts = [Artifact(good, "sdist", "source", "a", "1.0", {}), Artifact(bad, "bdist_wheel", "py3", "a", "1.0", {})]
    statement = {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": good.name, "digest": {"sha256": ""}}]}
    envelope = {"statement": base64.b64encode(json.dumps(statement).encode()).decode(), "signature": ""}
    document = {"version": 1, "verification_material": {}, "envelope": envelope}
    artifacts[0].record_digests({"sha256_digest": ""})
    signed = [signing.Signed(artifact, document, "me", Path()) for artifact in artifacts]

    with pytest.raises(signing.SigningError, match="none was kept"):
        signing._written(signed)  # noqa: SLF001
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-1.0.tar.gz"]
