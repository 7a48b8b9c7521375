"""Loopback stand-ins for the clouds' token services, answering as each documents, for the real SDKs pointed at them.

- AWS CodeArtifact's `GetAuthorizationToken` (source of truth: the CodeArtifact API reference and botocore's model
  `botocore/data/codeartifact/2018-09-22/service-2.json`): `POST /v1/authorization-token?domain=D&domain-owner=O
  &duration=N`, signed with SigV4 for the service `codeartifact`; 200 `{"authorizationToken", "expiration"}`, errors as
  JSON `{"message"}` with `x-amzn-ErrorType` (403 AccessDeniedException, 404 ResourceNotFoundException). boto3 reaches
  it through `AWS_ENDPOINT_URL_CODEARTIFACT`.
- Google's OAuth 2.0 token endpoint for service accounts (source of truth: Google's "Using OAuth 2.0 for Server to
  Server Applications" and google-auth's `oauth2/_client.py`): `POST /token`, form `grant_type=urn:ietf:params:oauth:
  grant-type:jwt-bearer` and an RS256 `assertion`; 200 `{"access_token", "expires_in", "token_type"}`, 400
  `{"error": "invalid_grant", "error_description"}`. google-auth reaches it through the key file's `token_uri`.

Azure needs no server: azure-identity's `AzureCliCredential` runs `az account get-access-token`, and `fake_az` writes
an `az` that answers as the Azure CLI does.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from devtools.background import HOST, BackgroundServer, QuietHTTPServer
from devtools.warehouse import jwt_claims

if TYPE_CHECKING:
    from pathlib import Path

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass
class CloudState:
    """What the token services give, and what they were asked."""

    aws_token: str = "codeartifact-token-Zk29"  # noqa: S105 -- a stand-in token
    aws_key_id: str = "AKIDEXAMPLE"  # the only access key id that is allowed
    aws_domains: tuple[str, ...] = ("corp",)
    aws_lifetime: float = 43200.0
    google_token: str = "ya29.google-token-Qw73"  # noqa: S105 -- a stand-in token
    google_lifetime: int = 3599
    asked: list[dict[str, str]] = field(default_factory=list)  # one entry per request: what it asked for
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *_args: object) -> None:
        pass

    def _answer(self, status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urlsplit(self.path)
        if parts.path == "/v1/authorization-token":
            self._codeartifact(parse_qs(parts.query))
        elif parts.path == "/token":
            self._google(parse_qs(body.decode()))
        else:
            self._answer(404, {"message": "not found"})

    def _codeartifact(self, query: dict[str, list[str]]) -> None:
        state = self.server.state
        signature = self.headers.get("Authorization", "")
        domain = query.get("domain", [""])[0]
        with state.lock:
            state.asked.append({"service": "codeartifact", "domain": domain, "owner": query.get("domain-owner", [""])[0],
                                "duration": query.get("duration", [""])[0], "signature": signature})  # fmt: skip
        if not signature.startswith(f"AWS4-HMAC-SHA256 Credential={state.aws_key_id}/") or "/codeartifact/" not in (
            signature
        ):
            message = "User is not authorized to perform: codeartifact:GetAuthorizationToken"
            self._answer(403, {"message": message}, {"x-amzn-ErrorType": "AccessDeniedException:"})
            return
        if domain not in state.aws_domains:
            message = f"Domain {domain} not found"
            self._answer(404, {"message": message, "resourceId": domain, "resourceType": "domain"},
                         {"x-amzn-ErrorType": "ResourceNotFoundException:"})  # fmt: skip
            return
        self._answer(200, {"authorizationToken": state.aws_token, "expiration": time.time() + state.aws_lifetime})

    def _google(self, form: dict[str, list[str]]) -> None:
        state = self.server.state
        grant, assertion = form.get("grant_type", [""])[0], form.get("assertion", [""])[0]
        claims = _claims(assertion)
        with state.lock:
            state.asked.append({"service": "google", "grant_type": grant, "iss": str(claims.get("iss", "")),
                                "scope": str(claims.get("scope", ""))})  # fmt: skip
        if grant != JWT_BEARER or not claims:
            self._answer(400, {"error": "invalid_grant", "error_description": "Invalid JWT."})
            return
        self._answer(200, {"access_token": state.google_token, "expires_in": state.google_lifetime,
                           "token_type": "Bearer"})  # fmt: skip


def _claims(jwt: str) -> dict[str, object]:
    try:
        return jwt_claims(jwt)
    except (IndexError, ValueError):
        return {}


class _Server(QuietHTTPServer):
    state: CloudState


class CloudServer(BackgroundServer):
    """`with CloudServer() as clouds:`; `clouds.origin`, `clouds.state`."""

    def __init__(self) -> None:
        self.state = CloudState()
        server = _Server((HOST, 0), _Handler)
        server.state = self.state
        super().__init__(server)
        self.origin = f"http://{HOST}:{self.port}"


def fake_az(directory: Path, token: str, expires_on: float) -> Path:
    """An `az` that answers `az account get-access-token --output json --resource R` as the Azure CLI does, and logs
    its arguments to `az.log` beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    answer = json.dumps({"accessToken": token, "expiresOn": "2030-01-01 00:00:00.000000",
                         "expires_on": int(expires_on), "tokenType": "Bearer"})  # fmt: skip
    script = directory / "az"
    log = directory / "az.log"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> '{log}'\ncat <<'EOF'\n{answer}\nEOF\n")
    script.chmod(0o755)
    return script
