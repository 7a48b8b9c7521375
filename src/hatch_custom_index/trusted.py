"""Trusted publishing (OIDC): the CI's identity token exchanged at the index for a short-lived upload token.

PyPI's way: `GET <upload origin>/_/oidc/audience`, the ambient identity token from the `id` package, then
`POST <upload origin>/_/oidc/mint-token`; any index that serves these endpoints works, not only PyPI. JFrog's way,
for Artifactory (option `oidc-provider`, the name of the OIDC integration): the identity token for the audience the
integration expects (`oidc-audience`, `jfrog-github` by default) exchanged at `POST <origin>/access/api/v1/oidc/token`
(RFC 8693) for an access token, which uploads as the user the integration maps the CI to. Cloudsmith's way (an
upload URL on python.cloudsmith.io; `oidc-provider` is the service account's slug): the identity token for
`oidc-audience` (`cloudsmith` by default) exchanged at `POST <api>/openid/<owner>/` for an API token, used with the
username `token`; the API is Cloudsmith's, or `CLOUDSMITH_API_HOST` as Cloudsmith's own tools read it.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import id as oidc

from hatch_custom_index.errors import (
    ReusedIdentityTokenError,
    Secret,
    TrustedPublishingError,
    redact_url,
    scrub,
)
from hatch_custom_index.settings import TrustedPublishingMode
from hatch_custom_index.text import printable
from hatch_custom_index.transport import is_loopback
from hatch_custom_index.urls import CLOUDSMITH_API, CLOUDSMITH_UPLOAD_HOST

if TYPE_CHECKING:
    from collections.abc import Callable

    from hatch_custom_index.index import IndexClient

JFROG_AUDIENCE = "jfrog-github"  # JFrog's convention for GitHub Actions integrations
CLOUDSMITH_AUDIENCE = "cloudsmith"  # the Cloudsmith CLI's default
CLOUDSMITH_LIFETIME = 90 * 60.0  # Cloudsmith's OIDC tokens live 90 minutes (its answer does not say)
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 -- RFC 8693's names
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105
REMINT_MARGIN = 60.0  # seconds before a minted token expires when a fresh one is minted
# PyPI's and TestPyPI's documented audiences, by their upload hosts: a CI is asked for these only to upload there.
PUBLIC_AUDIENCES = {"upload.pypi.org": "pypi", "test.pypi.org": "testpypi"}
# The identity token's claims that say which workflow is publishing; none of them is a secret.
SHOWN_CLAIMS = ("sub", "repository", "ref", "workflow_ref", "environment", "project_path", "ci_config_ref_uri")


@dataclass(frozen=True)
class MintedToken:
    token: Secret
    expires: float  # Unix time
    provider: str
    username: str = "__token__"  # the user the token uploads as

    def expiring(self) -> bool:
        """Within a minute of its expiry: time to mint a fresh one before it lapses mid-upload."""
        return time.time() > self.expires - REMINT_MARGIN


@dataclass(frozen=True)
class NotMinted:
    """Trusted publishing was tried in `auto` mode, and this index or CI cannot give a token: why."""

    reason: str


@dataclass(frozen=True)
class Decision:
    """Whether to try trusted publishing, and if not, why (for the "no password" error)."""

    wanted: bool
    reason: str = ""


def ci_provider(environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """The CI whose identity token the `id` package can fetch here, if any, tried in `id.detect_credential`'s order."""
    if environ.get("GITHUB_ACTIONS"):
        return "GitHub Actions"
    if environ.get("GOOGLE_SERVICE_ACCOUNT_NAME") or _on_google_cloud():
        return "Google Cloud"
    if environ.get("BUILDKITE"):
        return "Buildkite"
    if environ.get("GITLAB_CI"):
        return "GitLab CI/CD"
    if environ.get("CIRCLECI"):
        return "CircleCI"
    return None


def _on_google_cloud() -> bool:
    try:
        with open("/sys/class/dmi/id/product_name", encoding="utf-8") as product:
            return product.read().strip() in {"Google", "Google Compute Engine"}
    except OSError:
        return False


class TrustedPublishing:
    """Mints upload tokens for one repository. In `auto` mode, an index or CI that cannot give one is not an error,
    but a `NotMinted` saying why (for the "no password" error)."""

    def __init__(self, client: IndexClient, mode: TrustedPublishingMode, mask: Callable[[str], None]) -> None:
        self.client = client
        self.mode = mode
        self.mask = mask
        url = urlsplit(client.repository.url)
        self.origin = f"{url.scheme}://{url.netloc}"

    def wanted(self, username: str | None) -> Decision:
        """In `auto`, only for `__token__` (or no username) in a CI that can give an identity token."""
        if self.mode is TrustedPublishingMode.NEVER:
            return Decision(wanted=False, reason="trusted publishing (off: option `trusted-publishing` is never)")
        if self.mode is TrustedPublishingMode.ALWAYS:
            return Decision(wanted=True)
        if username not in {None, "__token__"}:
            return Decision(False, f"trusted publishing (not tried: the username is {username!r}, not __token__)")
        if ci_provider() is None:
            return Decision(wanted=False, reason="trusted publishing (no CI identity token here)")
        return Decision(wanted=True)

    def mint(self) -> MintedToken | NotMinted:
        """A fresh upload token, or in `auto` mode why this index or CI cannot give one."""
        settings = self.client.repository.settings
        upload = urlsplit(self.client.repository.url)
        if (upload.hostname or "").lower() == CLOUDSMITH_UPLOAD_HOST:
            return self._cloudsmith(
                upload.path.strip("/").split("/")[0], settings.oidc_provider, settings.oidc_audience
            )
        self._require_https(self.origin)
        jfrog_provider = settings.oidc_provider
        # JFrog's integration expects an audience configured there, not one the index serves.
        audience = (settings.oidc_audience or JFROG_AUDIENCE) if jfrog_provider else self._audience()
        if isinstance(audience, NotMinted):
            return audience
        identity = self._identity_token(audience)
        if isinstance(identity, NotMinted):
            return identity
        if jfrog_provider:
            return self._jfrog_exchange(identity, jfrog_provider)
        try:
            return self._exchange(identity)
        except ReusedIdentityTokenError:  # each identity token mints once: fetch another and try again, once
            identity = self._identity_token(audience)
            return identity if isinstance(identity, NotMinted) else self._exchange(identity)

    @staticmethod
    def _require_https(url: str) -> None:
        """The identity token goes only over https, or to this machine."""
        parts = urlsplit(url)
        if parts.scheme != "https" and not is_loopback(parts.hostname):
            message = f"trusted publishing needs https: {redact_url(url)} is plain http to another machine"
            raise TrustedPublishingError(message)

    def _cloudsmith(self, owner: str, service: str | None, audience: str | None) -> MintedToken | NotMinted:
        if not service:
            return self._unavailable(
                "Cloudsmith needs the slug of the service account to publish as: set `oidc-provider` on the repository"
            )
        api = os.environ.get("CLOUDSMITH_API_HOST", "").strip().rstrip("/") or CLOUDSMITH_API
        url = f"{api if '://' in api else 'https://' + api}/openid/{owner}/"
        self._require_https(url)
        identity = self._identity_token(audience or CLOUDSMITH_AUDIENCE)
        if isinstance(identity, NotMinted):
            return identity
        request = {"oidc_token": identity.reveal(), "service_slug": service}
        response = self.client.request("POST", url, headers={"Accept": "application/json"}, json=request)
        body = _json(response)
        token = body.get("token") if response.status_code in {200, 201} else None
        if isinstance(token, str) and token:
            provider = f"{ci_provider() or 'CI'}, Cloudsmith service {service}"
            return MintedToken(self._keep(token), time.time() + CLOUDSMITH_LIFETIME, provider, "token")
        detail = body.get("detail") or body.get("error")
        configured = f"the OpenID Connect provider of {owner} (service {service})"
        raise TrustedPublishingError(self._refusal(url, response, identity, str(detail or ""), configured))

    def _audience(self) -> str | NotMinted:
        """The audience to ask the CI for: PyPI's and TestPyPI's documented ones on their hosts; elsewhere
        `oidc-audience`, else what the index names, unless that is a public index's (a token for it would let this
        index publish there as this project)."""
        host = (urlsplit(self.client.repository.url).hostname or "").lower()
        configured = self.client.repository.settings.oidc_audience
        if host in PUBLIC_AUDIENCES or configured:
            return PUBLIC_AUDIENCES.get(host) or configured or ""
        served = self._served_audience()
        if isinstance(served, NotMinted):
            return served
        relay = relayed_audience(host, served)
        if relay:
            raise TrustedPublishingError(relay)
        return served

    def _served_audience(self) -> str | NotMinted:
        url = f"{self.origin}/_/oidc/audience"
        response = self.client.request("GET", url, headers={"Accept": "application/json"})
        if response.status_code in {403, 404}:
            return self._unavailable(
                f"this index does not support trusted publishing ({redact_url(url)}: {response.status_code})"
            )
        audience = _json(response).get("audience") if response.status_code == 200 else None  # noqa: PLR2004
        if not isinstance(audience, str) or not audience:
            message = f"trusted publishing: {redact_url(url)} gave no audience ({self.client.describe(response)})"
            raise TrustedPublishingError(message)
        return audience

    def _identity_token(self, audience: str) -> Secret | NotMinted:
        provider = ci_provider() or "this machine"
        try:
            token = oidc.detect_credential(audience)
        except oidc.IdentityError as e:
            reason = scrub(str(e), (os.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),))
            hint = ""
            if isinstance(e, oidc.GitHubOidcPermissionCredentialError):
                hint = "; give the job `permissions: id-token: write`"
            message = f"trusted publishing: no identity token from {provider}: {reason}{hint}"
            raise TrustedPublishingError(message) from None
        if token is None:
            return self._unavailable(
                f"trusted publishing: no identity token from {provider} (run it in GitHub Actions with "
                "`permissions: id-token: write`, GitLab CI with `id_tokens`, Google Cloud, Buildkite or CircleCI)"
            )
        return Secret(token)

    def _exchange(self, identity: Secret) -> MintedToken:
        url = f"{self.origin}/_/oidc/mint-token"
        response = self.client.request(
            "POST", url, headers={"Accept": "application/json"}, json={"token": identity.reveal()}
        )
        body = _json(response)
        token = body.get("token") if response.status_code == 200 else None  # noqa: PLR2004
        if isinstance(token, str) and token:
            secret = self._keep(token)
            expires = body.get("expires")
            expires = float(expires) if isinstance(expires, (int, float)) else time.time() + 900
            return MintedToken(secret, expires, ci_provider() or "CI")
        errors = [error for error in body.get("errors", []) if isinstance(error, dict)]
        if any(error.get("code") == "invalid-reuse-token" for error in errors):
            message = (
                f"trusted publishing: {redact_url(url)} refused the identity token as one already used "
                f"({details_of(errors)}); each identity token mints once, and a fresh one was refused too"
            )
            raise ReusedIdentityTokenError(message)
        message = self._refusal(
            url, response, identity, details_of(errors), "the trusted publisher configured for this project"
        )
        raise TrustedPublishingError(message)

    def _jfrog_exchange(self, identity: Secret, provider: str) -> MintedToken:
        url = f"{self.origin}/access/api/v1/oidc/token"
        request = {"grant_type": TOKEN_EXCHANGE, "subject_token_type": ID_TOKEN, "subject_token": identity.reveal(),
                   "provider_name": provider}  # fmt: skip
        response = self.client.request("POST", url, headers={"Accept": "application/json"}, json=request)
        body = _json(response)
        token = body.get("access_token") if response.status_code == 200 else None  # noqa: PLR2004
        if isinstance(token, str) and token:
            secret = self._keep(token)
            lifetime = body.get("expires_in")
            expires = time.time() + (float(lifetime) if isinstance(lifetime, (int, float)) else 3600)
            username = body.get("username")
            user = username if isinstance(username, str) else _jfrog_user(token)
            return MintedToken(secret, expires, f"{ci_provider() or 'CI'}, JFrog OIDC provider {provider}", user)
        errors = [error for error in body.get("errors", []) if isinstance(error, dict)]
        details = "; ".join(str(error.get("message")) for error in errors if error.get("message"))
        raise TrustedPublishingError(
            self._refusal(url, response, identity, details, "the OIDC integration " + provider)
        )

    def _keep(self, token: str) -> Secret:
        """A minted token: redacted from all output, and masked in GitHub's log; one that could forge a line there
        (not printable ASCII, or with whitespace) is refused unseen."""
        secret = Secret(token)
        self.client.redact.add(secret)
        if not is_plain_token(token):
            message = (
                f"trusted publishing: the token minted at {redact_url(self.origin)} is not printable ASCII without "
                "whitespace, as every upload token is; it was not used (nor shown). Check what answers there"
            )
            raise TrustedPublishingError(message)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            self.mask(f"::add-mask::{token}")
        return secret

    def _refusal(self, url: str, response: Any, identity: Secret, details: str, configured: str) -> str:
        """Why the index refused the identity token: its words, and the token's claims to check against."""
        described = self.client.describe(response)
        claims = ", ".join(f"{key}={value!r}" for key, value in _claims(identity).items() if key in SHOWN_CLAIMS)
        message = (
            f"trusted publishing: {redact_url(url)} refused the identity token ({described})"
            + (f"\n  {details}" if details and details not in described else "")
            + (f"\n  The token says: {claims}" if claims else "")
            + f"\n  Check {configured} on the index against these claims"
        )
        return printable(scrub(message, (identity,)))

    def _unavailable(self, reason: str) -> NotMinted:
        if self.mode is TrustedPublishingMode.ALWAYS:
            raise TrustedPublishingError(reason + " (option `trusted-publishing` is always)")
        return NotMinted(f"trusted publishing ({reason.removeprefix('trusted publishing: ')})")


def relayed_audience(host: str, served: str) -> str | None:
    """Why not to ask the CI for the audience an index at `host` named, or None: a public index's audience named by
    another host would get it a token that the public index accepts for this project's trusted publisher."""
    public = {audience: upload_host for upload_host, audience in PUBLIC_AUDIENCES.items()}
    if served.strip().lower() not in public or host in PUBLIC_AUDIENCES:
        return None
    return (
        f"trusted publishing: the index at {host} asks for identity tokens with the audience {served!r}, which is "
        f"{public[served.strip().lower()]}'s: a token for it would let that index publish to "
        f"{'PyPI' if served.strip().lower() == 'pypi' else 'TestPyPI'} as this project. No token was requested. If "
        "this index really checks that audience (a self-hosted Warehouse keeps `pypi` as its default), set "
        "`oidc-audience` on the repository"
    )


def is_plain_token(token: str) -> bool:
    """Printable ASCII without whitespace: what any upload token is, and what cannot forge a line in a CI's log."""
    return bool(token) and token.isascii() and token.isprintable() and not any(c.isspace() for c in token)


def details_of(errors: list[dict[str, Any]]) -> str:
    """`code: description; ...` of PyPI's error list."""
    return "; ".join(f"{error.get('code')}: {error.get('description')}" for error in errors)


def _json(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _jfrog_user(token: str) -> str:
    """The user a JFrog access token stands for, from its `sub` (`jfrt@.../users/NAME`); empty, which JFrog takes
    with a token, when it does not say."""
    subject = str(_claims(Secret(token)).get("sub", ""))
    return subject.rsplit("/", 1)[-1] if subject.startswith("jfrt@") or "/users/" in subject else subject


def _claims(identity: Secret) -> dict[str, Any]:
    """The identity token's payload, unverified: shown only to explain a refusal."""
    try:
        payload = identity.reveal().split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}
