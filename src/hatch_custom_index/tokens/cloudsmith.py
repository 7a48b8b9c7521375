"""Cloudsmith's way (an upload URL on python.cloudsmith.io; option `oidc-provider` is the service account's slug): the
CI's identity token for `oidc-audience` (`cloudsmith` by default) exchanged at `POST <api>/openid/<owner>/` for an API
token, used with the username `token`; the API is Cloudsmith's, or `CLOUDSMITH_API_HOST` as Cloudsmith's own tools read
it.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, TypedDict, cast
from urllib.parse import urlsplit

from hatch_custom_index.errors import TrustedPublishingError
from hatch_custom_index.model import MintedToken, NotMinted
from hatch_custom_index.tokens.identity import IdentityExchange, ci_provider, json_of, require_https
from hatch_custom_index.urls import CLOUDSMITH_API, CLOUDSMITH_UPLOAD_HOST

if TYPE_CHECKING:
    from hatch_custom_index.tokens.identity import Context

AUDIENCE = "cloudsmith"  # the Cloudsmith CLI's default
LIFETIME = 90 * 60.0  # Cloudsmith's OIDC tokens live 90 minutes (its answer does not say)
USERNAME = "token"  # Cloudsmith refuses `__token__`


def on_cloudsmith(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() == CLOUDSMITH_UPLOAD_HOST


def detect(context: Context) -> Cloudsmith | None:
    """An upload URL on Cloudsmith's host: the owner is its first segment."""
    if not on_cloudsmith(context.url):
        return None
    return Cloudsmith(context, urlsplit(context.url).path.strip("/").split("/")[0])


class Cloudsmith(IdentityExchange):
    def __init__(self, context: Context, owner: str) -> None:
        super().__init__(context)
        self.owner = owner

    def mint(self) -> MintedToken | NotMinted:
        settings = self.context.settings
        service = settings.oidc_provider
        if not service:
            return self.unavailable(
                "Cloudsmith needs the slug of the service account to publish as: set `oidc-provider` on the repository"
            )
        api = os.environ.get("CLOUDSMITH_API_HOST", "").strip().rstrip("/") or CLOUDSMITH_API
        url = f"{api if '://' in api else 'https://' + api}/openid/{self.owner}/"
        require_https(url)
        identity = self.identity_token(settings.oidc_audience or AUDIENCE)
        if isinstance(identity, NotMinted):
            return identity
        request = {"oidc_token": identity.reveal(), "service_slug": service}
        response = self.context.client.request("POST", url, headers={"Accept": "application/json"}, json=request)
        body = cast("OpenIdAnswer", json_of(response))
        token = body.get("token") if response.status_code in {200, 201} else None
        if isinstance(token, str) and token:
            provider = f"{ci_provider() or 'CI'}, Cloudsmith service {service}"
            return MintedToken(self.keep(token), time.time() + LIFETIME, provider, USERNAME)
        detail = body.get("detail") or body.get("error")
        configured = f"the OpenID Connect provider of {self.owner} (service {service})"
        raise TrustedPublishingError(self.refusal(url, response, identity, str(detail or ""), configured))


class OpenIdAnswer(TypedDict, total=False):
    """Cloudsmith's OpenID Connect exchange: a token, or why not (`detail`, `error`); the server's word, checked
    before use."""

    token: object
    detail: object
    error: object
