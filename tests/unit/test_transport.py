"""Which TLS verification a repository's connections get."""

from __future__ import annotations

import ssl

import pytest

from hatch_custom_index.repositories import Repository, select_repository
from hatch_custom_index.settings import HATCH, PROJECT, parse_cli, parse_config, parse_env
from hatch_custom_index.transport import ssl_context


def repository(**cli: str) -> Repository:
    project, hatch = parse_config({}, "project config", PROJECT), parse_config({}, "Hatch's config.toml", HATCH)
    return select_repository(parse_cli(cli), parse_env({}), project, hatch)


@pytest.mark.parametrize(
    "cli",
    [
        {"repo": "https://pkgs.example/upload/"},
        {"repo": "http://127.0.0.1:8080/", "simple-url": "https://pkgs.example/simple/"},
    ],
)
def test_any_https_url_gets_the_default_trust_store(cli: dict[str, str]) -> None:
    assert ssl_context(repository(**cli)) is True


def test_plain_http_only_loads_no_trust_store_and_would_refuse_any_tls_peer() -> None:
    context = ssl_context(repository(repo="http://127.0.0.1:8080/"))
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0
