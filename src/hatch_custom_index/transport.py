"""How a connection is made safe: one `ssl.SSLContext` with the CA bundle and the client certificate together (Hatch's
defect 15), and the rule that credentials never cross a network in plain http."""

from __future__ import annotations

import ipaddress
import ssl
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import httpx2

from hatch_custom_index.errors import ConfigurationError, Secret, reason, redact_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from hatch_custom_index.repositories import Repository


def ssl_context(repository: Repository) -> ssl.SSLContext | bool:
    """The verification httpx2 should use: True (the default trust store) unless a CA or client cert is set, and a
    context that trusts nothing when every URL of the repository is plain http."""
    settings = repository.settings
    ca_cert, client_cert, client_key = settings.ca_cert, settings.client_cert, settings.client_key
    if not ca_cert and not client_cert:
        if client_key:
            message = f"{settings.source('client-key')} is set, but `client-cert` is not; give the certificate too"
            raise ConfigurationError(message)
        if not uses_tls(repository):
            # Redirects are not followed, so no TLS connection can be made: loading the trust store would cost 20 ms
            # and 1 MiB for nothing. A context without trust anchors refuses every TLS peer if one ever is.
            return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        return True
    try:
        context = ssl.create_default_context(cafile=ca_cert) if ca_cert else httpx2.create_ssl_context()
    except (OSError, ssl.SSLError) as e:
        message = f"{settings.source('ca-cert')}: cannot use {ca_cert} as a CA bundle ({reason(e)})"
        raise ConfigurationError(message) from None
    if client_cert:
        try:
            context.load_cert_chain(client_cert, client_key)
        except (OSError, ssl.SSLError) as e:
            key = f" with the key {client_key}" if client_key else ""
            message = (
                f"{settings.source('client-cert')}: cannot load the client certificate {client_cert}{key} ({reason(e)})"
            )
            raise ConfigurationError(message) from None
    return context


def proxy_for(url: str) -> str | None:
    """The proxy the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) gives for `url`, without its
    credentials; None when the request goes straight to the host."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    return redact_url(proxy if "://" in proxy else f"http://{proxy}") if proxy else None


PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")


def proxy_secrets(environ: Mapping[str, str]) -> list[Secret]:
    """The passwords in the proxies' URLs the environment gives (`http://user:password@proxy:3128`): secrets of the
    run like the index's, kept out of everything shown."""
    found = []
    for variable in PROXY_VARIABLES:
        value = environ.get(variable, "")
        userinfo = value.split("://", 1)[-1].rpartition("@")[0]
        password = unquote(userinfo.partition(":")[2])
        if password:
            found.append(Secret(password))
    return found


def uses_tls(repository: Repository) -> bool:
    """Whether a request of this repository can go to an https URL: the upload URL and the simple API's (the only
    origins contacted; trusted publishing asks the upload URL's)."""
    return any(url.lower().startswith("https:") for url in (repository.url, repository.simple_url))


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 and localhost: addresses that never leave this machine."""
    if not host:
        return False
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_safe_transport(repository: Repository) -> None:
    """Refuse, before any request, to send credentials over plain http to another machine unless the repository
    allows it (the same rule as pip's trusted hosts)."""
    parts = urlsplit(repository.url)
    if parts.scheme != "http" or is_loopback(parts.hostname) or repository.settings.allow_insecure_http:
        return
    allow = "`-o allow-insecure-http=true`"
    if repository.name:
        allow = (
            f"`allow-insecure-http = true` in `[publish.custom-index.repos.{repository.name}]` of Hatch's config.toml"
        )
    message = (
        f"{repository.url} is plain http:// to {parts.hostname}, another machine: the password or token would cross "
        f"the network unencrypted, readable by anyone on the way. Use https://; or, only on a network you trust, {allow}"
    )
    raise ConfigurationError(message)
