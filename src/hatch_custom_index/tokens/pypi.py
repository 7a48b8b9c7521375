"""PyPI's way (Warehouse's): `GET <upload origin>/_/oidc/audience`, the CI's identity token for that audience, then
`POST <upload origin>/_/oidc/mint-token`; any index that serves these endpoints works, not only PyPI. The index every
other exchange passes over.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TypedDict, cast
from urllib.parse import urlsplit

from hatch_custom_index.errors import ReusedIdentityTokenError, TrustedPublishingError, redact_url
from hatch_custom_index.model import MintedToken, NotMinted
from hatch_custom_index.tokens.identity import IdentityExchange, ci_provider, json_of, list_of, require_https

if TYPE_CHECKING:
    from hatch_custom_index.errors import Secret
    from hatch_custom_index.tokens.identity import Context

# PyPI's and TestPyPI's documented audiences, by their upload hosts: a CI is asked for these only to upload there.
PUBLIC_AUDIENCES = {"upload.pypi.org": "pypi", "test.pypi.org": "testpypi"}
LIFETIME = 900.0  # when the answer does not say when the token expires


def detect(context: Context) -> Pypi:
    """Any index: the last in the order, tried where no other exchange recognises the index."""
    return Pypi(context)


class Pypi(IdentityExchange):
    def mint(self) -> MintedToken | NotMinted:
        """A fresh upload token, or in `auto` mode why this index or CI cannot give one."""
        require_https(self.context.origin)
        audience = self._audience()
        if isinstance(audience, NotMinted):
            return audience
        identity = self.identity_token(audience)
        if isinstance(identity, NotMinted):
            return identity
        try:
            return self._exchange(identity)
        except ReusedIdentityTokenError:  # each identity token mints once: fetch another and try again, once
            identity = self.identity_token(audience)
            return identity if isinstance(identity, NotMinted) else self._exchange(identity)

    def _audience(self) -> str | NotMinted:
        """The audience to ask the CI for: PyPI's and TestPyPI's documented ones on their hosts; elsewhere
        `oidc-audience`, else what the index names, unless that is a public index's (a token for it would let this
        index publish there as this project)."""
        host = (urlsplit(self.context.url).hostname or "").lower()
        configured = self.context.settings.oidc_audience
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
        client = self.context.client
        url = f"{self.context.origin}/_/oidc/audience"
        response = client.request("GET", url, headers={"Accept": "application/json"})
        if response.status_code in {403, 404}:
            return self.unavailable(
                f"this index does not support trusted publishing ({redact_url(url)}: {response.status_code})"
            )
        answer = cast("AudienceAnswer", json_of(response))
        audience = answer.get("audience") if response.status_code == 200 else None  # noqa: PLR2004
        if not isinstance(audience, str) or not audience:
            message = f"trusted publishing: {redact_url(url)} gave no audience ({client.describe(response)})"
            raise TrustedPublishingError(message)
        return audience

    def _exchange(self, identity: Secret) -> MintedToken:
        url = f"{self.context.origin}/_/oidc/mint-token"
        response = self.context.client.request(
            "POST", url, headers={"Accept": "application/json"}, json={"token": identity.reveal()}
        )
        body = cast("MintAnswer", json_of(response))
        token = body.get("token") if response.status_code == 200 else None  # noqa: PLR2004
        if isinstance(token, str) and token:
            secret = self.keep(token)
            expires = body.get("expires")
            expires = float(expires) if isinstance(expires, (int, float)) else time.time() + LIFETIME
            return MintedToken(secret, expires, ci_provider() or "CI")
        errors = [cast("MintError", error) for error in list_of(body.get("errors")) if isinstance(error, dict)]
        if any(error.get("code") == "invalid-reuse-token" for error in errors):
            message = (
                f"trusted publishing: {redact_url(url)} refused the identity token as one already used "
                f"({details_of(errors)}); each identity token mints once, and a fresh one was refused too"
            )
            raise ReusedIdentityTokenError(message)
        message = self.refusal(
            url, response, identity, details_of(errors), "the trusted publisher configured for this project"
        )
        raise TrustedPublishingError(message)


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


class AudienceAnswer(TypedDict, total=False):
    """Warehouse's `GET /_/oidc/audience`; every value is the index's word, to be checked before use."""

    audience: object


class MintAnswer(TypedDict, total=False):
    """Warehouse's `POST /_/oidc/mint-token`: a token and its expiry, or the errors (`code`, `description`)."""

    success: object
    token: object
    expires: object
    message: object
    errors: object


class MintError(TypedDict, total=False):
    """One of Warehouse's `errors`: `{"code": "invalid-publisher", "description": "..."}`."""

    code: object
    description: object


def details_of(errors: list[MintError]) -> str:
    """`code: description; ...` of PyPI's error list."""
    return "; ".join(f"{error.get('code')}: {error.get('description')}" for error in errors)
