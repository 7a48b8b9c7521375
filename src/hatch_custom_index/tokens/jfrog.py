"""JFrog's way, for Artifactory (option `oidc-provider`, the name of the OIDC integration): the CI's identity token for
the audience the integration expects (`oidc-audience`, `jfrog-github` by default) exchanged at
`POST <origin>/access/api/v1/oidc/token` (RFC 8693) for an access token, which uploads as the user the integration maps
the CI to.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TypedDict, cast

from hatch_custom_index.errors import Secret, TrustedPublishingError
from hatch_custom_index.model import MintedToken, NotMinted
from hatch_custom_index.tokens.identity import (
    IdentityExchange,
    ci_provider,
    claims_of,
    json_of,
    list_of,
    require_https,
)

if TYPE_CHECKING:
    from hatch_custom_index.tokens.identity import Context

AUDIENCE = "jfrog-github"  # JFrog's convention for GitHub Actions integrations
LIFETIME = 3600.0  # when the answer does not say how long the token lives
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 -- RFC 8693's names
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105


def detect(context: Context) -> JFrog | None:
    """An index with option `oidc-provider`: the JFrog OIDC integration it names."""
    provider = context.settings.oidc_provider
    return JFrog(context, provider) if provider else None


class JFrog(IdentityExchange):
    def __init__(self, context: Context, provider: str) -> None:
        super().__init__(context)
        self.provider = provider

    def mint(self) -> MintedToken | NotMinted:
        origin = self.context.origin
        require_https(origin)
        # The integration expects an audience configured there, not one the index serves.
        identity = self.identity_token(self.context.settings.oidc_audience or AUDIENCE)
        if isinstance(identity, NotMinted):
            return identity
        url = f"{origin}/access/api/v1/oidc/token"
        request = {"grant_type": TOKEN_EXCHANGE, "subject_token_type": ID_TOKEN, "subject_token": identity.reveal(),
                   "provider_name": self.provider}  # fmt: skip
        response = self.context.client.request("POST", url, headers={"Accept": "application/json"}, json=request)
        body = cast("ExchangeAnswer", json_of(response))
        token = body.get("access_token") if response.status_code == 200 else None  # noqa: PLR2004
        if isinstance(token, str) and token:
            secret = self.keep(token)
            lifetime = body.get("expires_in")
            expires = time.time() + (float(lifetime) if isinstance(lifetime, (int, float)) else LIFETIME)
            username = body.get("username")
            user = username if isinstance(username, str) else jfrog_user(token)
            return MintedToken(secret, expires, f"{ci_provider() or 'CI'}, JFrog OIDC provider {self.provider}", user)
        errors = [error for error in list_of(body.get("errors")) if isinstance(error, dict)]
        details = "; ".join(str(error.get("message")) for error in errors if error.get("message"))
        raise TrustedPublishingError(
            self.refusal(url, response, identity, details, "the OIDC integration " + self.provider)
        )


class ExchangeAnswer(TypedDict, total=False):
    """JFrog Access's RFC 8693 token exchange: the access token, its lifetime and user, or the errors (`status`,
    `message`); every value is the server's word, to be checked before use."""

    access_token: object
    expires_in: object
    username: object
    errors: object


def jfrog_user(token: str) -> str:
    """The user a JFrog access token stands for, from its `sub` (`jfrt@.../users/NAME`); empty, which JFrog takes
    with a token, when it does not say."""
    subject = str(claims_of(Secret(token)).get("sub", ""))
    return subject.rsplit("/", 1)[-1] if subject.startswith("jfrt@") or "/users/" in subject else subject
