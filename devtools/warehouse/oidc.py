"""The OIDC exchanges the stand-in serves when given a `TrustedPublisher`: PyPI's audience and mint-token, JFrog
Access's token exchange, and Cloudsmith's OpenID Connect. Each checks the identity token's claims, not its signature."""

from __future__ import annotations

import base64
import json
import os
import time

from devtools.warehouse.base import Exchange


def jwt_claims(token: str) -> dict:
    """A JWT's payload, unverified (the stand-ins check claims, not signatures); raises on a malformed token."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class OidcExchanges(Exchange):
    def _oidc_post(self, path: str, length: int) -> bool:
        """Serve a POST to one of the exchanges; False when `path` is none of theirs."""
        if path == "/_/oidc/mint-token":
            self._mint(self.rfile.read(length))
        elif path == "/access/api/v1/oidc/token":
            self._jfrog_exchange(self.rfile.read(length))
        elif path.startswith("/openid/"):
            self._cloudsmith_exchange(path.split("/")[2], self.rfile.read(length))
        else:
            return False
        return True

    def _audience(self) -> None:
        """PyPI's `/_/oidc/audience`: the audience identity tokens must be minted for."""
        state = self.server.state
        publisher = state.trusted_publisher
        if publisher is None:
            self._json_error(state.oidc_disabled_status, "Trusted publishing is not enabled on this index")
        else:
            self._send(200, json.dumps({"audience": publisher.audience}).encode(), "application/json")

    def _mint(self, body: bytes) -> None:
        """PyPI's mint-token: one upload token per identity token, 422 with its error shape otherwise."""
        state, publisher = self.server.state, self.server.state.trusted_publisher
        if publisher is None:
            self._json_error(state.oidc_disabled_status, "Trusted publishing is not enabled on this index")
            return
        try:
            token = json.loads(body)["token"]
            claims = jwt_claims(token)
        except (ValueError, KeyError, IndexError, TypeError):
            self._mint_error("invalid-payload", "malformed request or token")
            return
        with state.lock:
            if claims.get("jti") in state.used_jtis:
                self._mint_error("invalid-reuse-token", "invalid token: already used")
                return
            if claims.get("aud") != publisher.audience:
                self._mint_error("invalid-token", f"invalid token: audience is not {publisher.audience}")
                return
            wrong = {key: claims.get(key) for key, value in publisher.claims.items() if claims.get(key) != value}
            if wrong:
                description = f"valid token, but no corresponding publisher (Publisher with matching claims was not found; {wrong})"
                self._mint_error("invalid-publisher", description)
                return
            state.used_jtis.add(claims.get("jti"))
            minted = publisher.minted_as or "pypi-" + base64.urlsafe_b64encode(os.urandom(36)).decode().rstrip("=")
            expires = time.time() + publisher.lifetime
            state.minted[minted] = expires
        self._send(
            200, json.dumps({"success": True, "token": minted, "expires": int(expires)}).encode(), "application/json"
        )

    def _mint_error(self, code: str, description: str) -> None:
        body = {"message": "Token request failed", "errors": [{"code": code, "description": description}]}
        self._send(422, json.dumps(body).encode(), "application/json")

    def _jfrog_exchange(self, body: bytes) -> None:
        """JFrog Access's OIDC token exchange (RFC 8693; source of truth: JFrog's REST API "OIDC Token Exchange" and
        jfrog-client-go's `CreateOidcTokenParams`): the CI's identity token for an access token of the user the
        integration maps it to; errors as `{"errors": [{"status", "message"}]}`."""
        state, publisher = self.server.state, self.server.state.trusted_publisher
        try:
            request = json.loads(body)
            claims = jwt_claims(request["subject_token"])
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            self._jfrog_error(400, "Bad request: subject_token is missing or malformed")
            return
        if publisher is None or request.get("provider_name") != publisher.jfrog_provider:
            self._jfrog_error(404, f"OIDC provider '{request.get('provider_name')}' not found")
            return
        grant = request.get("grant_type") == "urn:ietf:params:oauth:grant-type:token-exchange"
        if not grant or request.get("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token":
            self._jfrog_error(400, "Bad request: unsupported grant_type or subject_token_type")
            return
        wrong = {key: claims.get(key) for key, value in publisher.claims.items() if claims.get(key) != value}
        if claims.get("aud") != publisher.audience or wrong:
            self._jfrog_error(401, "Failed to authenticate the OIDC token: no identity mapping matches its claims")
            return
        with state.lock:
            token = "jfrog-" + base64.urlsafe_b64encode(os.urandom(36)).decode().rstrip("=")
            state.minted[token] = time.time() + publisher.lifetime
        answer = {"access_token": token, "expires_in": int(publisher.lifetime), "token_type": "Bearer",
                  "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                  "username": publisher.jfrog_user}  # fmt: skip
        self._send(200, json.dumps(answer).encode(), "application/json")

    def _jfrog_error(self, status: int, message: str) -> None:
        self._send(
            status, json.dumps({"errors": [{"status": status, "message": message}]}).encode(), "application/json"
        )

    def _cloudsmith_exchange(self, owner: str, body: bytes) -> None:
        """Cloudsmith's OpenID Connect exchange (source of truth: Cloudsmith's "OpenID Connect" docs and
        cloudsmith-cli's `core/credentials/oidc/exchange.py`): `{"oidc_token", "service_slug"}` for `{"token"}`,
        errors as `{"detail"}`."""
        state, publisher = self.server.state, self.server.state.trusted_publisher
        try:
            request = json.loads(body)
            claims = jwt_claims(request["oidc_token"])
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            self._send(400, json.dumps({"detail": "Invalid request."}).encode(), "application/json")
            return
        known = publisher is not None and (owner, request.get("service_slug")) == (
            publisher.cloudsmith_owner,
            publisher.cloudsmith_service,
        )
        wrong = (
            publisher is None
            or claims.get("aud") != publisher.audience
            or any(claims.get(key) != value for key, value in publisher.claims.items())
        )
        if not known or wrong:
            detail = "Invalid OIDC token or no matching OIDC provider configuration for this service account."
            self._send(401, json.dumps({"detail": detail}).encode(), "application/json")
            return
        with state.lock:
            token = "cs-" + base64.urlsafe_b64encode(os.urandom(30)).decode().rstrip("=")
            state.minted[token] = time.time() + 5400
        self._send(200, json.dumps({"token": token}).encode(), "application/json")
