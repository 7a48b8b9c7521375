"""Cloud registries' own credentials through the real `hatch publish -p custom-index`: boto3, google-auth and
azure-identity themselves, pointed at loopback stand-ins of their token services (devtools/clouds.py).

The registry is reached at its real host name (which is how it is recognised) over plain http through a loopback
proxy, the Warehouse stand-in, which answers for it; the SDKs reach their stand-ins directly (NO_PROXY).
"""

from __future__ import annotations

import json
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from devtools.clouds import CloudServer, fake_az

pytestmark = pytest.mark.e2e

CODEARTIFACT_HOST = "corp-123456789012.d.codeartifact.us-east-1.amazonaws.com"
AWS_SECRET = "aws-secret-key-Jd82"


@pytest.fixture
def clouds():
    with CloudServer() as server:
        yield server


def configure(sandbox, warehouse, host: str) -> None:
    sandbox.write_config(
        "[publish.custom-index.repos.cloud]\n"
        f'url = "http://{host}/legacy/"\nsimple-url = "http://{host}/simple/"\nallow-insecure-http = true\n'
    )
    warehouse.state.private_reads = True  # a cloud registry's simple API wants the token too


def through_proxy(warehouse, **variables: str) -> dict[str, str]:
    """The registry's host through the loopback proxy; the SDKs' stand-ins and metadata servers directly."""
    direct = "127.0.0.1,localhost,169.254.169.254"
    return {"HTTP_PROXY": warehouse.origin, "http_proxy": warehouse.origin, "NO_PROXY": direct, "no_proxy": direct,
            **variables}  # fmt: skip


def aws(clouds, key_id: str = "AKIDEXAMPLE") -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": key_id,
        "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
        "AWS_ENDPOINT_URL_CODEARTIFACT": clouds.origin,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def test_codeartifact_takes_a_token_from_boto3(sandbox, warehouse, clouds):
    configure(sandbox, warehouse, CODEARTIFACT_HOST)
    warehouse.state.username, warehouse.state.token = "aws", clouds.state.aws_token
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=cloud", env=through_proxy(warehouse, **aws(clouds)), verbose=1)

    assert result.returncode == 0, result.output
    assert {upload.username for upload in warehouse.state.uploads} == {"aws"}
    assert len(warehouse.state.uploads) == 2
    (asked,) = clouds.state.asked
    assert (asked["domain"], asked["owner"], asked["duration"]) == ("corp", "123456789012", "43200")
    assert asked["signature"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-east-1/codeartifact/aws4_request" in asked["signature"]
    assert "username from AWS CodeArtifact, password from AWS CodeArtifact (boto3, profile default)" in result.output
    assert clouds.state.aws_token not in result.output
    assert AWS_SECRET not in result.output


def test_a_codeartifact_token_about_to_expire_is_renewed_between_uploads(sandbox, warehouse, clouds):
    configure(sandbox, warehouse, CODEARTIFACT_HOST)
    warehouse.state.username, warehouse.state.token = "aws", clouds.state.aws_token
    clouds.state.aws_lifetime = 30  # within a minute of expiry from the start: every use asks for a fresh one
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=cloud", "-o", "jobs=1", env=through_proxy(warehouse, **aws(clouds)))

    assert result.returncode == 0, result.output
    assert len(clouds.state.asked) >= 2


def test_a_codeartifact_refusal_is_named_and_nothing_is_uploaded(sandbox, warehouse, clouds):
    configure(sandbox, warehouse, CODEARTIFACT_HOST)
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=cloud", env=through_proxy(warehouse, **aws(clouds, key_id="AKIDOTHER")))

    assert result.returncode == 1
    assert "AWS CodeArtifact (AccessDeniedException: An error occurred (AccessDeniedException)" in result.output
    assert "not authorized to perform: codeartifact:GetAuthorizationToken" in result.output
    assert warehouse.state.uploads == []
    assert AWS_SECRET not in result.output


def service_account_key(path, token_uri: str) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    email = "publisher@corp-project.iam.gserviceaccount.com"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "corp-project", "private_key_id": "k1",
        "private_key": pem.decode(), "client_email": email, "client_id": "1", "token_uri": token_uri,
    }))  # fmt: skip
    return email


def test_artifact_registry_takes_a_token_from_application_default_credentials(sandbox, warehouse, clouds):
    configure(sandbox, warehouse, "europe-west1-python.pkg.dev")
    warehouse.state.username, warehouse.state.token = "oauth2accesstoken", clouds.state.google_token
    key_file = sandbox.root / "service-account.json"
    email = service_account_key(key_file, f"{clouds.origin}/token")
    project = sandbox.project()
    project.build(("wheel",))
    google = {"GOOGLE_APPLICATION_CREDENTIALS": str(key_file), "NO_GCE_CHECK": "true"}

    result = project.publish("-o", "repo=cloud", env=through_proxy(warehouse, **google), verbose=1)

    assert result.returncode == 0, result.output
    assert [upload.username for upload in warehouse.state.uploads] == ["oauth2accesstoken"]
    (asked,) = clouds.state.asked
    assert asked["iss"] == email
    assert asked["scope"] == "https://www.googleapis.com/auth/cloud-platform"
    assert f"password from Google Artifact Registry (google-auth, Application Default Credentials of {email})" in (
        result.output
    )
    assert clouds.state.google_token not in result.output


def test_azure_artifacts_takes_a_token_from_default_azure_credential(sandbox, warehouse, tmp_path):
    configure(sandbox, warehouse, "pkgs.dev.azure.com")
    token = "eyJ0eXAi.azure-token.Pq55"
    warehouse.state.username, warehouse.state.token = "azure", token
    az = fake_az(tmp_path / "bin", token, expires_on=4102444800)
    project = sandbox.project()
    project.build(("wheel",))
    path = f"{az.parent}{os.pathsep}{os.environ['PATH']}"

    result = project.publish("-o", "repo=cloud", env=through_proxy(warehouse, PATH=path), verbose=1)

    assert result.returncode == 0, result.output
    assert [upload.username for upload in warehouse.state.uploads] == ["azure"]
    assert "--resource 499b84ac-1321-427f-aa17-267ca6975798" in (az.parent / "az.log").read_text()
    assert "password from Azure Artifacts (azure-identity, DefaultAzureCredential)" in result.output
    assert token not in result.output


def test_a_dry_run_names_the_cloud_and_asks_it_nothing(sandbox, warehouse, clouds):
    configure(sandbox, warehouse, CODEARTIFACT_HOST)
    warehouse.state.private_reads = False
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=cloud", "-o", "dry-run=true", env=through_proxy(warehouse, **aws(clouds)))

    assert result.returncode == 0, result.output
    assert "Credentials: AWS CodeArtifact (a real run asks boto3 for a token, user aws)" in result.output
    assert clouds.state.asked == []
