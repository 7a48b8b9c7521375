"""Identity tokens for trusted-publishing tests: JWTs shaped like a CI's, and a stand-in for GitHub's token service.

GitHub Actions gives a job `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`; a GET of that URL with
`&audience=...` and `Authorization: bearer <request token>` answers `{"value": "<JWT>"}`. This server does the same on
127.0.0.1, minting a fresh token (a new `jti`) on every call, or replaying the last one when told to.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from devtools.background import HOST, BackgroundServer, QuietHTTPServer, answer

GITHUB_CLAIMS = {
    "iss": "https://token.actions.githubusercontent.com",
    "sub": "repo:octo-org/octo-project:environment:release",
    "repository": "octo-org/octo-project",
    "repository_owner": "octo-org",
    "ref": "refs/tags/v1.0.0",
    "workflow_ref": "octo-org/octo-project/.github/workflows/release.yml@refs/tags/v1.0.0",
    "environment": "release",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims: dict) -> str:
    """An unsigned-looking JWT (header.payload.signature) with a fresh `jti`, `iat` and `exp`."""
    now = int(time.time())
    payload = {"jti": uuid.uuid4().hex, "iat": now, "nbf": now, "exp": now + 300, **claims}
    header = {"alg": "RS256", "typ": "JWT", "kid": "test"}
    return ".".join((_b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode()), _b64(b"signature")))


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class GitHubTokenServer(BackgroundServer):
    """`with GitHubTokenServer("request-token") as github:` then `github.environ()` for the job's variables."""

    def __init__(self, request_token: str, claims: dict | None = None) -> None:
        self.request_token = request_token
        self.claims = dict(GITHUB_CLAIMS if claims is None else claims)
        self.issued: list[str] = []
        self.replay_next = 0  # answer with the last token again this many times (a stale cache)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                if self.headers.get("Authorization") != f"bearer {server.request_token}":
                    answer(self, 401, json.dumps({"message": "Bad credentials"}).encode(), "application/json")
                    return
                audience = query.get("audience", ["https://github.com/octo-org"])[0]
                answer(self, 200, json.dumps({"value": server.issue(audience)}).encode(), "application/json")

        super().__init__(QuietHTTPServer((HOST, 0), Handler))
        self.url = f"http://{HOST}:{self.port}/token?api-version=2.0"

    def issue(self, audience: str) -> str:
        if self.replay_next and self.issued:
            self.replay_next -= 1
            return self.issued[-1]
        token = make_jwt({**self.claims, "aud": audience})
        self.issued.append(token)
        return token

    def environ(self) -> dict[str, str]:
        return {
            "GITHUB_ACTIONS": "true",
            "ACTIONS_ID_TOKEN_REQUEST_URL": self.url,
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": self.request_token,
        }
