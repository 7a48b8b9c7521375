"""Trusted publishing and PEP 740 attestations through the real `hatch publish -p custom-index`.

A Warehouse-like index on 127.0.0.1 serves `/_/oidc/audience` and `/_/oidc/mint-token` as PyPI does, and a stand-in
for GitHub's token service gives the job its identity tokens: a workflow with `id-token: write` and no stored token.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from devtools.oidc import GITHUB_CLAIMS, GitHubTokenServer, make_jwt
from devtools.warehouse import Fault, TrustedPublisher, WarehouseServer
from tests.e2e.conftest import WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent.parent / "fixtures" / "pep740"
REQUEST_TOKEN = "ghs_requestTokenOfTheJob0123456789"


@pytest.fixture
def index():
    with WarehouseServer(WAREHOUSE_TOKEN, trusted_publisher=TrustedPublisher()) as server:
        yield server


@pytest.fixture
def github():
    with GitHubTokenServer(REQUEST_TOKEN) as server:
        yield server


def configure(sandbox, server, extra: str = "") -> None:
    sandbox.write_config(
        "[publish.custom-index.repos.pypi-like]\n"
        f'url = "{server.upload_url}"\nsimple-url = "{server.simple_url}"\n{extra}\n'
    )


def minted_tokens(server) -> list[str]:
    return list(server.state.minted)


def assert_only_masked(result, tokens: list[str]) -> None:
    """A minted token appears only in GitHub's `::add-mask::` command, nowhere else."""
    for token in tokens:
        lines = [line for line in result.output.splitlines() if token in line]
        assert lines == [f"::add-mask::{token}"], lines


def test_a_workflow_with_only_id_token_write_publishes(sandbox, index, github):
    configure(sandbox, index)
    project = sandbox.project()
    sdist, wheel = project.build()

    result = project.publish("-o", "repo=pypi-like", env=github.environ(), verbose=True)

    assert result.returncode == 0, result.output
    assert [upload.filename for upload in index.state.uploads] == [sdist.name, wheel.name]
    (minted,) = minted_tokens(index)
    assert result.stdout.startswith(f"::add-mask::{minted}\n")  # before anything else is printed
    assert_only_masked(result, [minted])
    assert "password from trusted publishing (GitHub Actions)" in result.output
    assert REQUEST_TOKEN not in result.output
    assert github.issued[0] not in result.output


def test_an_explicit_password_wins_over_auto(sandbox, index, github):
    configure(sandbox, index)
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=pypi-like", env={**github.environ(), "HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 0, result.output
    assert github.issued == []
    assert minted_tokens(index) == []
    assert len(index.state.uploads) == 1


def test_never_skips_and_always_without_ci_fails_with_the_reason(sandbox, index, github):
    configure(sandbox, index)
    project = sandbox.project()
    project.build(("wheel",))

    never = project.publish("-o", "repo=pypi-like", "-o", "trusted-publishing=never", env=github.environ())

    assert never.returncode == 1
    assert "trusted publishing (off: option `trusted-publishing` is never)" in never.output
    assert github.issued == []

    always = project.publish("-o", "repo=pypi-like", "-o", "trusted-publishing=always")

    assert always.returncode == 1
    assert "trusted publishing: no identity token from this machine" in always.output
    assert "(option `trusted-publishing` is always)" in always.output
    assert index.state.uploads == []


@pytest.mark.parametrize("status", [403, 404])
def test_an_index_without_trusted_publishing(sandbox, github, status):
    with WarehouseServer(WAREHOUSE_TOKEN) as plain:
        plain.state.oidc_disabled_status = status
        configure(sandbox, plain)
        project = sandbox.project()
        project.build(("wheel",))

        auto = project.publish("-o", "repo=pypi-like", env=github.environ())
        always = project.publish("-o", "repo=pypi-like", "-o", "trusted-publishing=always", env=github.environ())

    assert auto.returncode == 1
    assert f"this index does not support trusted publishing ({plain.origin}/_/oidc/audience: {status})" in auto.output
    assert "No password or token for pypi-like" in auto.output
    assert always.returncode == 1
    assert "this index does not support trusted publishing" in always.output
    assert github.issued == []


def test_a_refused_identity_token_shows_the_codes_and_the_claims(sandbox, github):
    publisher = TrustedPublisher(claims={"repository": "someone-else/their-project"})
    with WarehouseServer(WAREHOUSE_TOKEN, trusted_publisher=publisher) as index:
        configure(sandbox, index)
        project = sandbox.project()
        project.build(("wheel",))

        result = project.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 1
    assert "422 Unprocessable" in result.output
    assert "invalid-publisher: valid token, but no corresponding publisher" in result.output
    for claim in ("sub", "repository", "ref", "workflow_ref", "environment"):
        assert f"{claim}={GITHUB_CLAIMS[claim]!r}" in result.output
    assert github.issued[0] not in result.output
    assert index.state.uploads == []


def test_a_reused_identity_token_is_replaced_by_a_fresh_one(sandbox, index, github):
    configure(sandbox, index)
    first = sandbox.project()
    first.build(("wheel",))
    assert first.publish("-o", "repo=pypi-like", env=github.environ()).returncode == 0
    github.replay_next = 1  # the next request gets the already-used token again
    second = sandbox.project()
    second.build(("wheel",))

    result = second.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 0, result.output
    assert len(github.issued) == 2
    assert len(index.state.uploads) == 2
    assert_only_masked(result, minted_tokens(index)[1:])


def test_a_token_about_to_expire_is_minted_afresh(sandbox, github):
    # A token living 62 s enters the last minute of its life after 2 s; the first upload is made to wait 3 s.
    with WarehouseServer(WAREHOUSE_TOKEN, trusted_publisher=TrustedPublisher(lifetime=62)) as index:
        index.state.faults.append(Fault.status(429, retry_after=3))
        configure(sandbox, index)
        project = sandbox.project()
        project.build()

        result = project.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 0, result.output
    tokens = minted_tokens(index)
    assert len(tokens) == 2
    assert len(set(github.issued)) == 2
    assert_only_masked(result, tokens)


def test_gitlab_ci_with_an_id_token_variable(sandbox, index):
    index.state.trusted_publisher.audience = "pypi"  # a self-hosted Warehouse's default, accepted when configured
    configure(sandbox, index, 'oidc-audience = "pypi"')
    project = sandbox.project()
    project.build(("wheel",))
    claims = {"iss": "https://gitlab.com", "sub": "project_path:octo/proj:ref_type:tag:ref:v1", "aud": "pypi"}
    identity = make_jwt({**claims, "repository": "octo-org/octo-project"})

    result = project.publish("-o", "repo=pypi-like", env={"GITLAB_CI": "true", "PYPI_ID_TOKEN": identity}, verbose=True)

    assert result.returncode == 0, result.output
    assert "password from trusted publishing (GitLab CI/CD)" in result.output
    assert "::add-mask::" not in result.output  # only GitHub Actions reads that command
    assert identity not in result.output
    (minted,) = minted_tokens(index)
    assert minted not in result.output


@pytest.mark.parametrize("audience", ["pypi", "testpypi", " PyPI "])
def test_an_index_naming_a_public_index_s_audience_gets_no_identity_token(sandbox, index, github, audience):
    """An identity token for `pypi` would let this index publish to PyPI as this project (the audience relay)."""
    index.state.trusted_publisher.audience = audience
    configure(sandbox, index)
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=pypi-like", env=github.environ(), verbose=2)

    assert result.returncode == 1
    assert f"asks for identity tokens with the audience {audience!r}" in result.output
    assert "No token was requested" in result.output
    assert "set `oidc-audience` on the repository" in result.output
    assert github.issued == []  # the CI's token service was never asked
    assert not [url for method, url, _ in index.state.requests if method == "POST"]  # nothing minted, nothing sent
    assert REQUEST_TOKEN not in result.output


@pytest.mark.parametrize(
    "minted", ["pypi-abc\n::warning::forged by the token service", "pypi-abc def", "pypi-\x1b[2Kx"]
)
def test_a_minted_token_that_could_forge_a_log_line_is_refused_unseen(sandbox, index, github, minted):
    index.state.trusted_publisher.minted_as = minted
    configure(sandbox, index)
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=pypi-like", env=github.environ(), verbose=2)

    assert result.returncode == 1
    assert "is not printable ASCII without whitespace, as every upload token is; it was not used" in result.output
    assert "::warning::" not in result.output
    assert "::add-mask::" not in result.output
    assert "pypi-abc" not in result.output
    assert index.state.uploads == []


def test_trusted_publishing_needs_https_to_other_machines(sandbox, index, github):
    sandbox.write_config(
        "[publish.custom-index.repos.pypi-like]\n"
        'url = "http://pypi.corp.example/legacy/"\nallow-insecure-http = true\n'
        f'simple-url = "{index.simple_url}"\n'
    )
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 1
    assert "trusted publishing needs https: http://pypi.corp.example is plain http to another machine" in result.output
    assert github.issued == []


# --- PEP 740 attestations ---------------------------------------------------------------------------------------------


@pytest.fixture
def attested(sandbox):
    """The real sampleproject 3.0.0 sdist from PyPI with its real publish attestation."""
    project = sandbox.project("sampleproject", "3.0.0")
    project.dist.mkdir()
    for path in FIXTURES.glob("sampleproject-*"):
        shutil.copy(path, project.dist)
    return project


def test_attestations_go_with_trusted_publishing(sandbox, index, github, attested):
    configure(sandbox, index)

    result = attested.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 0, result.output
    (upload,) = index.state.uploads
    sent = json.loads(upload.field("attestations"))
    assert sent == [json.loads((FIXTURES / "sampleproject-3.0.0.tar.gz.publish.attestation").read_text())]


def test_attestations_are_not_sent_with_a_token_unless_asked(sandbox, index, attested):
    configure(sandbox, index)
    env = {"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN}

    result = attested.publish("-o", "repo=pypi-like", env=env)

    assert result.returncode == 0, result.output
    assert "attestations" not in index.state.uploads[0].fields


def test_attestations_true_sends_them_and_false_skips_them(sandbox, attested):
    for mode, expected in (("true", 1), ("false", 0)):
        with WarehouseServer(WAREHOUSE_TOKEN) as index:
            configure(sandbox, index, f'attestations = "{mode}"')
            result = attested.publish("-o", "repo=pypi-like", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})
            assert result.returncode == 0, result.output
            assert len(json.loads(index.state.uploads[0].fields.get("attestations", ["[]"])[0])) == expected


def test_an_attestation_for_other_bytes_stops_the_batch(sandbox, index, github, attested):
    configure(sandbox, index)
    path = attested.dist / "sampleproject-3.0.0.tar.gz.publish.attestation"
    attestation = json.loads(path.read_text())
    statement = json.loads(base64.b64decode(attestation["envelope"]["statement"]))
    statement["subject"][0]["digest"]["sha256"] = "0" * 64
    attestation["envelope"]["statement"] = base64.b64encode(json.dumps(statement).encode()).decode()
    path.write_text(json.dumps(attestation))

    result = attested.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 1
    assert "the attestation is for another sampleproject-3.0.0.tar.gz" in result.output
    assert "Nothing was uploaded" in result.output
    assert index.state.requests == []
    assert github.issued == []

    skipped = attested.publish("-o", "repo=pypi-like", "-o", "attestations=false", env=github.environ())

    assert skipped.returncode == 0, skipped.output
    assert "attestations" not in index.state.uploads[0].fields


def test_a_broken_attestation_file_is_named(sandbox, index, attested):
    configure(sandbox, index)
    (attested.dist / "sampleproject-3.0.0.tar.gz.other.attestation").write_text('{"version": 2}')

    result = attested.publish("-o", "repo=pypi-like", env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN})

    assert result.returncode == 1
    assert "sampleproject-3.0.0.tar.gz.other.attestation: not a PEP 740 attestation" in result.output
    assert index.state.uploads == []


def test_a_dry_run_says_trusted_publishing_would_be_used_and_mints_nothing(sandbox, index, github):
    index.state.private_reads = True  # even reading what the index holds needs credentials
    configure(sandbox, index)
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=pypi-like", "-o", "dry-run=true", env=github.environ())

    assert result.returncode == 0, result.output
    assert (
        "Credentials: trusted publishing (a real run exchanges the CI's identity token at the index)" in result.output
    )
    assert "... would upload" in result.output
    assert "a real run stops here unless the credentials it uses (a token it mints" in result.output
    assert github.issued == []
    assert minted_tokens(index) == []
    assert index.state.uploads == []


# --- JFrog's way (Artifactory) ---------------------------------------------------------------------------------------


@pytest.fixture
def artifactory():
    publisher = TrustedPublisher(audience="jfrog-github")
    with WarehouseServer(WAREHOUSE_TOKEN, trusted_publisher=publisher) as server:
        server.state.username = publisher.jfrog_user  # the user the integration maps the workflow to
        yield server


def test_artifactory_exchanges_the_identity_token_at_jfrog_access(sandbox, artifactory, github):
    configure(sandbox, artifactory, 'oidc-provider = "github-oidc"')
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=pypi-like", env=github.environ(), verbose=True)

    assert result.returncode == 0, result.output
    assert {upload.username for upload in artifactory.state.uploads} == {"ci-publisher"}
    (minted,) = minted_tokens(artifactory)
    assert_only_masked(result, [minted])
    assert "username from trusted publishing" in result.output
    assert "password from trusted publishing (GitHub Actions, JFrog OIDC provider github-oidc)" in result.output
    assert ("POST", f"{artifactory.origin.split('://')[1]}/access/api/v1/oidc/token") in {
        (method, url) for method, url, _ in artifactory.state.requests
    }
    assert not any("/_/oidc/" in url for _, url, _ in artifactory.state.requests)
    assert github.issued[0] not in result.output


def test_an_artifactory_refusal_shows_jfrog_s_words_and_the_token_s_claims(sandbox, artifactory, github):
    configure(sandbox, artifactory, 'oidc-provider = "github-oidc"\noidc-audience = "some-other-audience"')
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=pypi-like", env=github.environ())

    assert result.returncode == 1
    assert "refused the identity token (401 Unauthorized" in result.output
    assert "no identity mapping matches its claims" in result.output
    assert "repository='octo-org/octo-project'" in result.output
    assert "Check the OIDC integration github-oidc on the index against these claims" in result.output
    assert artifactory.state.uploads == []
    assert github.issued[0] not in result.output


# --- Cloudsmith's way -------------------------------------------------------------------------------------------------


@pytest.fixture
def cloudsmith():
    # Reached at its real host over plain http through the loopback proxy (the stand-in answers for it), its API
    # through CLOUDSMITH_API_HOST, as Cloudsmith's own tools read it.
    with WarehouseServer(WAREHOUSE_TOKEN, trusted_publisher=TrustedPublisher(audience="cloudsmith")) as server:
        server.state.username, server.state.upload_path = "token", "/corp/wheels/"
        yield server


def cloudsmith_config(sandbox, extra: str = 'oidc-provider = "publisher-bot"') -> None:
    sandbox.write_config(
        '[publish.custom-index.repos.cloudsmith]\nurl = "http://python.cloudsmith.io/corp/wheels/"\n'
        f'simple-url = "http://python.cloudsmith.io/simple/"\nallow-insecure-http = true\n{extra}\n'
    )


def cloudsmith_env(server, github) -> dict[str, str]:
    direct = "127.0.0.1,localhost"
    return {**github.environ(), "HTTP_PROXY": server.origin, "http_proxy": server.origin, "NO_PROXY": direct,
            "no_proxy": direct, "CLOUDSMITH_API_HOST": server.origin}  # fmt: skip


def test_cloudsmith_exchanges_the_identity_token_for_its_service_account(sandbox, cloudsmith, github):
    cloudsmith_config(sandbox)
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=cloudsmith", env=cloudsmith_env(cloudsmith, github), verbose=True)

    assert result.returncode == 0, result.output
    assert [upload.username for upload in cloudsmith.state.uploads] == ["token"]
    (minted,) = minted_tokens(cloudsmith)
    assert_only_masked(result, [minted])
    assert "password from trusted publishing (GitHub Actions, Cloudsmith service publisher-bot)" in result.output
    assert any(url.endswith("/openid/corp/") for method, url, _ in cloudsmith.state.requests if method == "POST")


def test_cloudsmith_without_a_service_account_says_what_to_set(sandbox, cloudsmith, github):
    cloudsmith_config(sandbox, extra="")
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=cloudsmith", env=cloudsmith_env(cloudsmith, github))

    assert result.returncode == 1
    assert "Cloudsmith needs the slug of the service account to publish as: set `oidc-provider`" in result.output
    assert cloudsmith.state.uploads == []


def test_a_cloudsmith_refusal_shows_its_words_and_the_token_s_claims(sandbox, cloudsmith, github):
    cloudsmith_config(sandbox, extra='oidc-provider = "someone-else"')
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=cloudsmith", env=cloudsmith_env(cloudsmith, github))

    assert result.returncode == 1
    assert "refused the identity token (401 Unauthorized" in result.output
    assert "no matching OIDC provider configuration for this service account" in result.output
    assert "Check the OpenID Connect provider of corp (service someone-else)" in result.output
    assert cloudsmith.state.uploads == []
    assert github.issued[0] not in result.output
