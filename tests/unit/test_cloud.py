"""Recognising cloud registries by their URL, the usernames they expect, and a token call that fails or hangs."""

from __future__ import annotations

import sys
import threading

import pytest

from hatch_custom_index.model import NotMinted
from hatch_custom_index.settings import Registry
from hatch_custom_index.tokens import cloud, expected_username
from hatch_custom_index.tokens.cloud import CloudIndex, CloudSdk, recognise

CODEARTIFACT = "https://my-corp-domain-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/internal/"


def test_codeartifact_is_recognised_with_its_domain_owner_and_region() -> None:
    index = recognise(CODEARTIFACT)
    assert index is not None
    assert (index.registry, index.username, index.extra) == (Registry.CODEARTIFACT, "aws", "aws")
    assert (index.domain, index.owner, index.region) == ("my-corp-domain", "123456789012", "eu-west-1")


@pytest.mark.parametrize(
    ("url", "registry", "username"),
    [
        ("https://us-central1-python.pkg.dev/corp/wheels/", Registry.ARTIFACT_REGISTRY, "oauth2accesstoken"),
        ("https://pkgs.dev.azure.com/org/project/_packaging/feed/pypi/upload/", Registry.AZURE_ARTIFACTS, "azure"),
        ("https://org.pkgs.visualstudio.com/_packaging/feed/pypi/upload/", Registry.AZURE_ARTIFACTS, "azure"),
    ],
)
def test_other_clouds_are_recognised(url: str, registry: Registry, username: str) -> None:
    index = recognise(url)
    assert index is not None
    assert (index.registry, index.username) == (registry, username)


@pytest.mark.parametrize(
    "url",
    [
        "https://upload.pypi.org/legacy/",
        "https://corp.jfrog.io/artifactory/api/pypi/pypi-local",
        "https://codeartifact.us-east-1.amazonaws.com.evil.example/pypi/x/",
        "https://python.pkg.dev.evil.example/",
    ],
)
def test_other_indexes_are_no_cloud_registry(url: str) -> None:
    assert recognise(url) is None


def test_the_registry_option_names_the_kind_for_a_custom_domain_or_none() -> None:
    index = recognise("https://wheels.corp.example/", Registry.ARTIFACT_REGISTRY)
    assert index is not None
    assert index.registry is Registry.ARTIFACT_REGISTRY
    assert recognise(CODEARTIFACT, Registry.NONE) is None


def test_a_codeartifact_url_that_names_no_domain_says_so() -> None:
    index = recognise("https://wheels.corp.example/pypi/x/", Registry.CODEARTIFACT)
    assert index is not None
    minted = CloudSdk(index).mint()
    assert isinstance(minted, NotMinted)
    assert "the URL does not name the domain and account" in minted.reason


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (CODEARTIFACT, "aws"),
        ("https://python.cloudsmith.io/corp/wheels/", "token"),  # Cloudsmith refused `__token__` (uv issue 8221)
        ("https://upload.pypi.org/legacy/", None),
    ],
)
def test_the_username_an_index_expects(url: str, expected: str | None) -> None:
    assert expected_username(url) == expected


def test_a_missing_sdk_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    index = CloudIndex(Registry.AZURE_ARTIFACTS, "Azure Artifacts", "azure", "azure", "azure-identity")
    monkeypatch.setitem(sys.modules, "azure.identity", None)  # as if not installed: importing it fails
    minted = CloudSdk(index).mint()
    assert isinstance(minted, NotMinted)
    assert minted.reason == (
        "Azure Artifacts (its SDK is not installed: install hatch-custom-index[azure] beside Hatch for a token from "
        "azure-identity)"
    )


def test_a_token_call_that_never_answers_ends_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    never = threading.Event()
    monkeypatch.setattr(cloud, "_azure", lambda _index: never.wait(30))
    index = recognise("https://pkgs.dev.azure.com/o/p/_packaging/f/pypi/upload/")
    assert index is not None

    minted = CloudSdk(index, timeout=0.05).mint()

    assert isinstance(minted, NotMinted)
    assert minted.reason == "Azure Artifacts (no token within 0.05 s)"
    never.set()


def test_a_token_call_failure_is_scrubbed_of_token_shaped_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(_index: CloudIndex) -> tuple[str, float, str]:
        message = "refused pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlsz"
        raise RuntimeError(message)

    monkeypatch.setattr(cloud, "_azure", fails)
    index = recognise("https://pkgs.dev.azure.com/o/p/_packaging/f/pypi/upload/")
    assert index is not None

    minted = CloudSdk(index).mint()

    assert isinstance(minted, NotMinted)
    assert "pypi-AgEI" not in minted.reason
    assert minted.reason.startswith("Azure Artifacts (RuntimeError: refused")
