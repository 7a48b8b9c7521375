"""Option `sign`: publish attestations made with Sigstore during the real `hatch publish -p custom-index`.

A loopback Sigstore (devtools/sigstore.py: Fulcio and Rekor with keys made by the test, named in a client trust config)
signs; a Warehouse-like index takes the uploads with trusted publishing; GitHub Actions' token service is a stand-in
and GitLab CI's identity tokens are job variables. What the index receives is verified here with Sigstore's own
verifier and pypi-attestations' publisher policies against the test's trust root, never with the plugin's code.
"""

from __future__ import annotations

import hashlib
import json
import socket

import pytest
from pypi_attestations import Attestation, Distribution, GitHubPublisher, GitLabPublisher
from sigstore.models import ClientTrustConfig
from sigstore.verify import Verifier

from devtools.oidc import GitHubTokenServer, make_jwt
from devtools.sigstore import SIGNING_GITHUB_CLAIMS, SIGNING_GITLAB_CLAIMS, SigstoreStandIn, identity_token
from devtools.warehouse import TrustedPublisher, WarehouseServer
from tests.e2e.conftest import WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e

REQUEST_TOKEN = "ghs_requestTokenOfTheSigningJob0123456789"
GITHUB_PUBLISHER = GitHubPublisher(repository="octo-org/octo-project", workflow="release.yml")
WORKFLOW = "https://github.com/octo-org/octo-project/.github/workflows/release.yml@refs/tags/v1.0.0"


@pytest.fixture
def sigstore():
    with SigstoreStandIn() as server:
        yield server


@pytest.fixture
def index():
    with WarehouseServer(WAREHOUSE_TOKEN, trusted_publisher=TrustedPublisher()) as server:
        yield server


@pytest.fixture
def github():
    with GitHubTokenServer(REQUEST_TOKEN, claims=SIGNING_GITHUB_CLAIMS) as server:
        yield server


@pytest.fixture
def trust(sigstore, sandbox):
    return sigstore.write_trust_config(sandbox.root / "trust_config.json")


def configure(sandbox, index, trust, extra: str = "") -> None:
    """The index takes attestations (`attestations = true`: it is not PyPI), and the test's Sigstore signs."""
    sandbox.write_config(
        "[publish.custom-index.repos.pypi-like]\n"
        f'url = "{index.upload_url}"\nsimple-url = "{index.simple_url}"\nattestations = "true"\n'
        f'sigstore = "{trust}"\n{extra}\n'
    )


def verify_independently(upload, content: bytes, trust, publisher=GITHUB_PUBLISHER) -> Attestation:
    """The attestation the index received, checked with Sigstore's verifier against the test's trust root and the
    trusted publisher's policy, and against the bytes the index received."""
    (sent,) = json.loads(upload.field("attestations"))
    attestation = Attestation.model_validate(sent)
    config = ClientTrustConfig.from_json(trust.read_text())
    Verifier(trusted_root=config.trusted_root).verify_dsse(attestation.to_bundle(), publisher._as_policy())  # noqa: SLF001
    subject = attestation.statement["subject"][0]
    distribution = Distribution(name=upload.filename, digest=hashlib.sha256(content).hexdigest())
    assert (subject["name"], subject["digest"]["sha256"]) == (distribution.name, distribution.digest)
    return attestation


def secrets_absent(result, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in result.output


def test_both_files_are_signed_verified_sent_and_kept(sandbox, index, github, sigstore, trust):
    configure(sandbox, index, trust)
    project = sandbox.project()
    built = project.build()
    report, summary = sandbox.root / "report.json", sandbox.root / "step-summary.md"
    env = {**github.environ(), "GITHUB_STEP_SUMMARY": str(summary)}

    result = project.publish("-o", "repo=pypi-like", "-o", f"report={report}", env=env, verbose=2)

    assert result.returncode == 0, result.output
    assert [upload.filename for upload in index.state.uploads] == [path.name for path in built]
    assert len(sigstore.certificates_issued) == 1  # one certificate serves the batch
    assert len(sigstore.entries) == 2
    for upload in index.state.uploads:
        verify_independently(upload, upload.content, trust)
    for path in built:
        kept = path.with_name(path.name + ".publish.attestation")
        assert json.loads(kept.read_text()) in [json.loads(u.field("attestations"))[0] for u in index.state.uploads]
        assert f"dist/{path.name} ... success (" in result.output
    assert f"Signed 2 files with Sigstore ({WORKFLOW})" in result.output
    assert "attestation: signed" in result.output
    files = json.loads(report.read_text())["files"]
    assert [(entry["attestation"], entry["signed_by"]) for entry in files] == [("signed", WORKFLOW)] * 2
    assert summary.read_text().count(f"| signed by `{WORKFLOW}` |") == 2
    assert not list(project.dist.glob("*.partial"))
    secrets_absent(result, REQUEST_TOKEN, *github.issued)
    for minted in index.state.minted:
        assert [line for line in result.output.splitlines() if minted in line] == [f"::add-mask::{minted}"]


def test_an_attestation_beside_the_file_is_not_made_again(sandbox, index, github, sigstore, trust):
    configure(sandbox, index, trust)
    project = sandbox.project()
    project.build()
    first = project.publish("-o", "repo=pypi-like", env=github.environ())
    assert first.returncode == 0, first.output
    kept = {path.name: path.read_text() for path in project.dist.glob("*.publish.attestation")}

    with WarehouseServer(WAREHOUSE_TOKEN, trusted_publisher=TrustedPublisher()) as again:
        configure(sandbox, again, trust)
        result = project.publish("-o", "repo=pypi-like", env=github.environ(), verbose=1)
        assert result.returncode == 0, result.output
        sent = [json.loads(upload.field("attestations"))[0] for upload in again.state.uploads]

    assert len(sigstore.certificates_issued) == 1  # the first run's; nothing signed again
    assert sorted(sent, key=json.dumps) == sorted((json.loads(text) for text in kept.values()), key=json.dumps)
    assert "Signed" not in result.output
    assert "attestation: found" in result.output


def test_a_dry_run_signs_nothing_and_says_what_it_would_sign(sandbox, index, github, sigstore, trust):
    configure(sandbox, index, trust)
    project = sandbox.project()
    sdist, wheel = project.build()

    result = project.publish("-o", "repo=pypi-like", "-o", "dry-run=true", env=github.environ())

    assert result.returncode == 0, result.output
    assert f"Would sign with Sigstore ({trust})" in result.output
    assert f"dist/{sdist.name}, dist/{wheel.name}" in result.output
    assert sigstore.certificates_issued == []
    assert github.issued == []
    assert not list(project.dist.glob("*.attestation"))
    assert index.state.uploads == []


def test_sign_true_without_an_identity_stops_before_any_upload(sandbox, index, sigstore, trust):
    configure(sandbox, index, trust, 'sign = "true"')
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=pypi-like", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 1, result.output
    assert "Nothing was uploaded: no identity to sign with" in result.output
    assert "SIGSTORE_ID_TOKEN" in result.output
    assert "(option `sign` is true)" in result.output
    assert index.state.uploads == []
    assert sigstore.certificates_issued == []
    secrets_absent(result, WAREHOUSE_TOKEN)


def test_a_password_upload_under_auto_signs_nothing(sandbox, index, github, sigstore, trust):
    configure(sandbox, index, trust)
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=pypi-like", env={**github.environ(), "HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 0, result.output
    assert len(index.state.uploads) == 2
    assert all("attestations" not in upload.fields for upload in index.state.uploads)
    assert sigstore.certificates_issued == []
    assert github.issued == []  # not even an identity token was asked for
    assert not list(project.dist.glob("*.attestation"))
    assert "Sigstore" not in result.output


@pytest.mark.parametrize("service", ["fulcio", "rekor"])
def test_a_failing_sigstore_under_true_leaves_nothing_half_published(sandbox, index, github, sigstore, trust, service):
    configure(sandbox, index, trust, 'sign = "true"')
    setattr(sigstore, f"{service}_fails", (503, f"{service} is down for maintenance"))
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=pypi-like", env=github.environ(), verbose=2)

    assert result.returncode == 1, result.output
    assert f"Nothing was uploaded: Sigstore ({trust}) could not sign" in result.output
    assert f"{service} is down for maintenance" in result.output  # the service's own words
    assert index.state.uploads == []
    assert not list(project.dist.glob("*.attestation*"))
    secrets_absent(result, REQUEST_TOKEN, *github.issued)


def test_a_failing_sigstore_under_auto_warns_once_and_publishes_without(sandbox, index, github, sigstore, trust):
    configure(sandbox, index, trust)
    sigstore.fulcio_fails = (503, "fulcio is down for maintenance")
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 0, result.output
    warnings = [line for line in result.output.splitlines() if "not signing with Sigstore" in line]
    assert len(warnings) == 1, result.output
    assert "fulcio is down for maintenance" in warnings[0]
    assert "publishing without new attestations" in warnings[0]
    assert len(index.state.uploads) == 2
    assert all("attestations" not in upload.fields for upload in index.state.uploads)
    assert not list(project.dist.glob("*.attestation*"))


def test_gitlab_ci_signs_with_its_sigstore_id_token(sandbox, index, trust):
    index.state.trusted_publisher.audience = "pypi"
    index.state.trusted_publisher.claims = {"project_path": "octo-group/octo-project"}
    configure(sandbox, index, trust, 'oidc-audience = "pypi"')
    project = sandbox.project()
    project.build()
    signing = identity_token(SIGNING_GITLAB_CLAIMS)
    uploading = make_jwt({**SIGNING_GITLAB_CLAIMS, "aud": "pypi"})
    env = {"GITLAB_CI": "true", "PYPI_ID_TOKEN": uploading, "SIGSTORE_ID_TOKEN": signing}

    result = project.publish("-o", "repo=pypi-like", env=env, verbose=2)

    assert result.returncode == 0, result.output
    publisher = GitLabPublisher(repository="octo-group/octo-project", workflow_filepath=".gitlab-ci.yml")
    for upload in index.state.uploads:
        verify_independently(upload, upload.content, trust, publisher)
    assert "https://gitlab.com/octo-group/octo-project//.gitlab-ci.yml@refs/tags/v1.0.0" in result.output
    secrets_absent(result, signing, uploading, *index.state.minted)


def test_gitlab_ci_without_a_sigstore_token_says_how_to_add_one(sandbox, index, sigstore, trust):
    index.state.trusted_publisher.audience = "pypi"
    index.state.trusted_publisher.claims = {"project_path": "octo-group/octo-project"}
    configure(sandbox, index, trust, 'oidc-audience = "pypi"')
    project = sandbox.project()
    project.build()
    env = {"GITLAB_CI": "true", "PYPI_ID_TOKEN": make_jwt({**SIGNING_GITLAB_CLAIMS, "aud": "pypi"})}

    result = project.publish("-o", "repo=pypi-like", env=env)

    assert result.returncode == 0, result.output
    assert "Warning: not signing with Sigstore: no identity to sign with" in result.output
    assert "`id_tokens:` entry SIGSTORE_ID_TOKEN (aud: sigstore)" in result.output
    assert len(index.state.uploads) == 2
    assert sigstore.certificates_issued == []


def test_a_trust_config_that_is_not_one_is_named(sandbox, index, github):
    broken = sandbox.root / "broken.json"
    broken.write_text('{"mediaType": "nothing I know"}')
    configure(sandbox, index, broken)
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 1, result.output
    assert f"{broken} is not a Sigstore client trust config" in result.output
    assert "Traceback" not in result.output
    assert index.state.uploads == []


@pytest.fixture
def silent():
    """A Fulcio that takes the connection and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_sigstore_that_never_answers_is_given_up_within_its_bound(sandbox, index, github, sigstore, silent):
    config = sigstore.trust_config
    config["signingConfig"]["caUrls"][0]["url"] = silent
    trust = sandbox.root / "silent_fulcio.json"
    trust.write_text(json.dumps(config))
    configure(sandbox, index, trust)
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=pypi-like", "-o", "timeout=0.5", env=github.environ())

    assert result.returncode == 0, result.output
    assert "did not finish signing within 1.5 s (option `timeout`)" in result.output
    assert "publishing without new attestations" in result.output
    assert len(index.state.uploads) == 2
    assert not list(project.dist.glob("*.attestation*"))


def test_a_github_job_without_id_token_write_is_told_to_add_it(sandbox, index, sigstore, trust):
    configure(sandbox, index, trust, 'sign = "true"')
    project = sandbox.project()
    project.build()
    env = {"GITHUB_ACTIONS": "true", "HATCH_INDEX_AUTH": WAREHOUSE_TOKEN}  # no ACTIONS_ID_TOKEN_REQUEST_* given

    result = project.publish("-o", "repo=pypi-like", env=env)

    assert result.returncode == 1, result.output
    assert "Nothing was uploaded: no identity for signing from GitHub Actions" in result.output
    assert "give the job `permissions: id-token: write`" in result.output
    assert index.state.uploads == []
    assert sigstore.certificates_issued == []


def test_an_identity_token_for_another_audience_is_not_used_to_sign(sandbox, index, github, sigstore, trust):
    configure(sandbox, index, trust)
    project = sandbox.project()
    project.build()
    wrong = identity_token(SIGNING_GITHUB_CLAIMS, audience="pypi")

    result = project.publish("-o", "repo=pypi-like", env={**github.environ(), "SIGSTORE_ID_TOKEN": wrong}, verbose=2)

    assert result.returncode == 0, result.output
    assert "Warning: not signing with Sigstore: the identity for signing cannot be used" in result.output
    assert len(index.state.uploads) == 2
    assert sigstore.certificates_issued == []
    secrets_absent(result, wrong, REQUEST_TOKEN, *github.issued)
