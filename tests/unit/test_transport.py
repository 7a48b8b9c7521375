"""Which TLS verification a repository's connections get."""

from __future__ import annotations

import ssl

import pytest

from hatch_custom_index.errors import ConfigurationError
from hatch_custom_index.repositories import Repository, select_repository
from hatch_custom_index.settings import HATCH, PROJECT, parse_cli, parse_config, parse_env
from hatch_custom_index.transport import proxy_secrets, require_safe_transport, ssl_context


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


def test_a_client_key_without_its_certificate_is_named(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match=r"option `-o client-key` is set, but `client-cert` is not"):
        ssl_context(repository(**{"client-key": str(tmp_path / "client.key")}))


def test_an_unreadable_ca_bundle_and_client_certificate_are_named(tmp_path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigurationError, match=rf"option `-o ca-cert`: cannot use {junk} as a CA bundle"):
        ssl_context(repository(**{"ca-cert": str(junk)}))
    with pytest.raises(ConfigurationError, match=rf"cannot load the client certificate {junk} with the key {junk}"):
        ssl_context(repository(**{"client-cert": str(junk), "client-key": str(junk)}))


def test_credentials_never_cross_a_network_in_plain_http() -> None:
    with pytest.raises(ConfigurationError, match=r"plain http:// to pkgs\.example, another machine"):
        require_safe_transport(repository(repo="http://pkgs.example/upload/"))
    require_safe_transport(repository(repo="http://pkgs.example/upload/", **{"allow-insecure-http": "true"}))
    require_safe_transport(repository(repo="http://localhost:8080/"))


def test_the_passwords_of_the_environment_s_proxies_are_secrets() -> None:
    environ = {
        "HTTPS_PROXY": "http://user:p%40ss@proxy:3128",
        "http_proxy": "proxy-user:second@proxy:8080",
        "ALL_PROXY": "http://proxy:3128",
        "NO_PROXY": "user:not-a-proxy@x",
    }
    assert [secret.reveal() for secret in proxy_secrets(environ)] == ["p@ss", "second"]
