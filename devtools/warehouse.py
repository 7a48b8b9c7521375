"""A small index on 127.0.0.1 that reads uploads the way Warehouse (PyPI) does, records them, and makes faults.

It stands in for PyPI, which cannot run here: the legacy upload API at `/legacy/` (Basic auth, `__token__` only, the
form's fields recorded exactly as sent, 400 "File already exists" for different bytes under a known name, 200 for an
identical re-upload), and the PEP 691 JSON simple API at `/simple/<project>/`. The form's metadata is validated as
Warehouse's `parse_form_metadata` (`warehouse/forklift/metadata.py`) validates it once `sanitize` has deleted the
fields whose value is UNKNOWN: packaging's `Metadata.from_raw`, a 400 with the first error otherwise (e.g.
"license-file introduced in metadata version 2.4, not 2.1").

Faults, queued in `state.faults` and used up one per upload (`state.get_faults` for simple-API reads):
`Fault.status(503)`, `Fault.status(429, retry_after=1)`, `Fault("reset")` (connection reset mid-body),
`Fault("store-then-drop")` (the file is stored, the connection closed before any answer), `Fault("stall", seconds)`
(silence, nothing stored),
`Fault("no-content")` (204), `Fault("login-redirect")` (302 to an HTML login page), `Fault("echo-auth")` (a 400
whose message repeats the credentials it was sent), `Fault("die")` (the server goes away in the middle of the upload).
How a real index answers can be set: `accepted_status` (Pulp's 202), `store_after` (a file listed some seconds after
it was accepted), `upload_path` and `simple_path` (Azure's and Cloudsmith's URL shapes), `simple_redirect` (simple
pages redirected to a CDN's origin); `authorized_reads` records which pages were read with credentials.
It also serves as an HTTP forward proxy for any host (requests with an absolute URI), recording which hosts were asked,
so tests can point `HTTP_PROXY` at it and see every request a client tried to make.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import os
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from packaging.metadata import (
    _LIST_FIELDS,
    _RAW_TO_EMAIL_MAPPING,
    _STRING_FIELDS,
    ExceptionGroup,
    Metadata,
    _parse_keywords,
    _parse_project_urls,
)

if TYPE_CHECKING:
    import ssl

from devtools.background import HOST, BackgroundServer, answer


@dataclass
class Upload:
    """One upload as the server read it: every form field (repeated ones as lists) and the file."""

    fields: dict[str, list[str]]
    filename: str
    content: bytes
    username: str

    def field(self, name: str) -> str:
        (value,) = self.fields[name]
        return value


@dataclass
class Fault:
    kind: str  # "status", "reset", "store-then-drop", "stall", "no-content", "login-redirect"
    seconds: float = 0
    status_code: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def status(cls, code: int, retry_after: int | None = None) -> Fault:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return cls("status", status_code=code, headers=headers)


@dataclass
class TrustedPublisher:
    """PyPI's trusted-publisher configuration for a project: the audience, the claims a token must carry, and how long
    a minted token lives."""

    audience: str = "loopback-index"  # a private index's own; PyPI's "pypi" is asked for only at upload.pypi.org
    claims: dict[str, str] = field(default_factory=lambda: {"repository": "octo-org/octo-project"})
    lifetime: float = 900
    minted_as: str | None = None  # the token to mint instead of a fresh one (a broken or hostile token service)
    # JFrog's OIDC integration (the Artifactory way): its provider name, and the user its tokens upload as.
    jfrog_provider: str = "github-oidc"
    jfrog_user: str = "ci-publisher"
    # Cloudsmith's OpenID Connect: the organisation, and the service account the workflow publishes as.
    cloudsmith_owner: str = "corp"
    cloudsmith_service: str = "publisher-bot"


@dataclass
class Warehouse:
    """The server's state: accepted uploads, files by name, the token it accepts, faults to make, requests seen."""

    token: str
    username: str = "__token__"  # the username uploads must carry (a cloud registry's, say: `aws`)
    upload_path: str = "/legacy/"  # where uploads are taken (Cloudsmith's is `/OWNER/REPO/`)
    simple_path: str = "/simple/"  # where the simple API is served (Azure's `/ORG/_packaging/FEED/pypi/simple/`)
    accepted_status: int = 200  # what answers a stored upload (Pulp: 202, with a task)
    store_after: float = 0.0  # seconds before an accepted file is listed (Pulp stores it when a worker gets to it)
    simple_redirect: str | None = None  # an origin every simple page is redirected to (a CDN, a mirror)
    listed_at: dict[str, float] = field(default_factory=dict)  # file name -> when the simple API lists it
    authorized_reads: list[str] = field(default_factory=list)  # the paths of GETs that carried credentials
    trusted_publisher: TrustedPublisher | None = None  # None: the index serves no trusted publishing
    oidc_disabled_status: int = 404  # what the OIDC endpoints answer then (PyPI: 403 when an admin turned it off)
    private_reads: bool = False  # the simple API wants credentials too, as a private index's does
    minted: dict[str, float] = field(default_factory=dict)  # minted token -> expiry
    used_jtis: set[str] = field(default_factory=set)
    uploads: list[Upload] = field(default_factory=list)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # project -> file name -> bytes
    faults: list[Fault] = field(default_factory=list)
    get_faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str, float]] = field(default_factory=list)  # (method, host + path, time)
    delay: float = 0.0  # seconds each upload takes to be answered, as PyPI's checks do
    in_flight: int = 0
    max_in_flight: int = 0  # the most uploads it was receiving at once
    lock: threading.Lock = field(default_factory=threading.Lock)
    reading: threading.Event = field(default_factory=threading.Event)  # a slow-read upload has begun

    def next_fault(self, method: str) -> Fault | None:
        queue = self.faults if method == "POST" else self.get_faults
        with self.lock:
            return queue.pop(0) if queue else None


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, list[str]], str, bytes]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, list[str]] = {}
    filename, content = "", b""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            filename, content = part.get_filename(), payload
        else:
            fields.setdefault(name, []).append(payload.decode())
    return fields, filename, content


def jwt_claims(token: str) -> dict:
    """A JWT's payload, unverified (the stand-ins check claims, not signatures); raises on a malformed token."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# Warehouse's form names for packaging's raw fields: singular names for the multiple-use ones.
_SINGULAR = {
    "platforms": "platform",
    "supported_platforms": "supported_platform",
    "license_files": "license_file",
    "import_names": "import_name",
    "import_namespaces": "import_namespace",
}
_WAREHOUSE_METADATA_VERSIONS = frozenset({"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"})
_FORM_TO_RAW = {_SINGULAR.get(key, key): key for key in _RAW_TO_EMAIL_MAPPING}


def sanitized(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Warehouse's `sanitize` (`forklift/decorators.py`): a key whose value (the last one, as WebOb's `MultiDict.get`
    returns it) strips to UNKNOWN is deleted, every value of it."""
    return {name: values for name, values in fields.items() if not values or values[-1].strip() != "UNKNOWN"}


def form_metadata_problem(fields: dict[str, list[str]]) -> str | None:
    """The first reason Warehouse's `parse_form_metadata` would refuse the form's metadata once sanitised, or None."""
    raw: dict[str, object] = {}
    for name, values in sanitized(fields).items():
        key = _FORM_TO_RAW.get(name)
        if key is None or values == [""]:
            continue
        if key in _STRING_FIELDS and len(values) == 1:
            raw[key] = values[0]
        elif key in _LIST_FIELDS:
            raw[key] = values
        elif key == "keywords" and len(values) == 1:
            raw[key] = _parse_keywords(values[0])
        elif key == "project_urls":
            raw[key] = _parse_project_urls(values)
        else:
            return f"{name!r} has invalid data."
    if raw.get("metadata_version") not in _WAREHOUSE_METADATA_VERSIONS:
        return f"{raw.get('metadata_version')!r} is not a valid metadata version."
    try:
        Metadata.from_raw(raw, validate=True)  # type: ignore[arg-type]
    except ExceptionGroup as group:
        first = str(group.exceptions[0])
        return first if first.endswith(".") else first + "."
    return None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall on keep-alive

    def log_message(self, *_args: object) -> None:
        pass

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/plain",
        reason: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        answer(self, status, body, content_type, headers, reason)

    def _route(self, method: str) -> str:
        """The request's path, recording it; an absolute URI (a proxied request) is reduced to its path."""
        path, host = self.path, self.headers.get("Host", "")
        if path.startswith(("http://", "https://")):
            host, _, rest = path.split("://", 1)[1].partition("/")
            path = "/" + rest
        with self.server.state.lock:
            self.server.state.requests.append((method, host + path, time.monotonic()))
        return path

    def do_GET(self) -> None:
        state = self.server.state
        path = self._route("GET")
        fault = state.next_fault("GET")
        if fault is not None and fault.kind == "status":
            self._send(fault.status_code, b"Injected failure", headers=fault.headers)
            return
        if fault is not None and fault.kind == "stall":  # a silent index: it never answers
            time.sleep(fault.seconds)
            self.close_connection = True
            return
        if fault is not None and fault.kind == "slow-head":  # the status line and headers, a byte at a time
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Padding: " + b"x" * 4000 + b"\r\n\r\n"
            started = time.monotonic()
            try:
                for byte in head:
                    if time.monotonic() - started > fault.seconds:
                        break
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:  # the client gave up, as it should
                pass
            self.close_connection = True
            return
        if fault is not None and fault.kind in {"endless", "trickle", "gzip-bomb"}:
            self._hostile_page(fault)
            return
        if path == "/_/oidc/audience":
            publisher = state.trusted_publisher
            if publisher is None:
                self._json_error(state.oidc_disabled_status, "Trusted publishing is not enabled on this index")
            else:
                self._send(200, json.dumps({"audience": publisher.audience}).encode(), "application/json")
            return
        if path.startswith("/login"):
            self._send(200, b"<html><body><h1>Sign in</h1><form>...</form></body></html>", "text/html")
            return
        if self.headers.get("Authorization"):
            with state.lock:
                state.authorized_reads.append(path)
        if state.private_reads and not self._may_read():
            self._send(401, b"Unauthorized", headers={"WWW-Authenticate": 'Basic realm="index"'})
            return
        if state.simple_redirect and path.startswith(state.simple_path):
            self._send(302, b"", headers={"Location": state.simple_redirect + path})
            return
        project = path[len(state.simple_path) :].strip("/") if path.startswith(state.simple_path) else None
        if project == "":  # the root: every project, as PEP 691 lists them
            with state.lock:
                projects = [{"name": name} for name in state.files]
            page = {"meta": {"api-version": "1.1"}, "projects": projects}
            self._send(200, json.dumps(page).encode(), "application/vnd.pypi.simple.v1+json")
            return
        if project is not None and "/" not in project:
            now = time.monotonic()
            with state.lock:
                files = {
                    name: data
                    for name, data in state.files.get(project, {}).items()
                    if state.listed_at.get(name, 0) <= now
                }
            if not files:
                self._send(404, b"Not Found")
                return
            page = {
                "meta": {"api-version": "1.1"},
                "name": project,
                "files": [
                    {"filename": name, "url": f"/files/{name}", "hashes": {"sha256": hashlib.sha256(data).hexdigest()}}
                    for name, data in files.items()
                ],
            }
            self._send(200, json.dumps(page).encode(), "application/vnd.pypi.simple.v1+json")
            return
        self._send(404, b"Not Found")

    def _may_read(self) -> bool:
        """Credentials that this index takes: its token, or one it minted."""
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        if scheme != "Basic":
            return False
        _, _, password = base64.b64decode(encoded).decode().partition(":")
        state = self.server.state
        return password == state.token or state.minted.get(password, 0) >= time.time()

    def do_POST(self) -> None:
        state = self.server.state
        path = self._route("POST")
        length = int(self.headers.get("Content-Length", "0"))
        if path == "/_/oidc/mint-token":
            self._mint(self.rfile.read(length))
            return
        if path == "/access/api/v1/oidc/token":
            self._jfrog_exchange(self.rfile.read(length))
            return
        if path.startswith("/openid/"):
            self._cloudsmith_exchange(path.split("/")[2], self.rfile.read(length))
            return
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            self._upload(path, length)
        finally:
            with state.lock:
                state.in_flight -= 1

    def _upload(self, path: str, length: int) -> None:
        state = self.server.state
        fault = state.next_fault("POST")
        if fault is not None and fault.kind == "reset":
            self.rfile.read(min(length, 4096))
            self._reset()
            return
        if fault is not None and fault.kind == "slow-read":  # a slow network: the body arrives over `seconds`
            state.reading.set()
            parts, step = [], max(1, length // 40)
            while len(parts) * step < length:
                parts.append(self.rfile.read(min(step, length - len(parts) * step)))
                time.sleep(fault.seconds / 40)
            body = b"".join(parts)
        else:
            body = self.rfile.read(length)
        if path != state.upload_path:
            self._send(404, b"Not Found")
            return
        if fault is not None and self._fault(fault):
            return
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        username, _, password = base64.b64decode(encoded).decode().partition(":") if scheme == "Basic" else ("", "", "")
        if username != state.username:
            reason = "Username/Password authentication is no longer supported. Migrate to API Tokens"
            self._json_error(403, reason)
            return
        if password != state.token and state.minted.get(password, 0) < time.time():
            self._json_error(403, "Invalid or non-existent authentication information. See /help/#invalid-auth")
            return
        fields, filename, content = parse_form(self.headers["Content-Type"], body)
        if fields.get(":action") != ["file_upload"] or not filename:
            self._json_error(400, "Invalid request: no file_upload action or file")
            return
        invalid = form_metadata_problem(fields)
        if invalid:
            self._json_error(
                400, f"{invalid} See https://packaging.python.org/specifications/core-metadata for more information."
            )
            return
        digest = hashlib.sha256(content).hexdigest()
        if fields.get("sha256_digest") != [digest]:
            self._json_error(400, "The digest supplied does not match a digest calculated from the uploaded file.")
            return
        project = fields["name"][0].lower().replace("_", "-").replace(".", "-")
        with state.lock:
            held = state.files.setdefault(project, {})
            if filename in held and held[filename] != content:
                self._json_error(400, f"File already exists ({filename}, with sha256 hash {digest}).")
                return
            if filename not in held:
                state.listed_at[filename] = time.monotonic() + state.store_after
            held[filename] = content
            state.uploads.append(Upload(fields, filename, content, username))
        if fault is not None and fault.kind == "store-then-drop":
            self._reset()
            return
        time.sleep(state.delay)
        if state.accepted_status == 202:  # noqa: PLR2004 -- Pulp's answer: the task that will store the file
            body = json.dumps({"task": f"/pulp/api/v3/tasks/{len(state.uploads)}/"}).encode()
            self._send(202, body, "application/json")
            return
        self._send(state.accepted_status, b"" if state.accepted_status == 204 else b"OK")  # noqa: PLR2004

    def _hostile_page(self, fault: Fault) -> None:
        """A project page that never ends, arrives a byte at a time, or inflates a thousandfold."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        if fault.kind == "gzip-bomb":
            body = _gzip_bomb()
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_header("Content-Length", str(10**12))
        self.end_headers()
        started = time.monotonic()
        try:
            self.wfile.write(b'{"files": [')
            while time.monotonic() - started < fault.seconds:
                if fault.kind == "endless":
                    self.wfile.write(b'{"filename": "x.whl"}, ' * 4096)
                else:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
        except OSError:  # the client gave up, as it should
            pass

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

    def _jfrog_error(self, status: int, message: str) -> None:
        self._send(
            status, json.dumps({"errors": [{"status": status, "message": message}]}).encode(), "application/json"
        )

    def _mint_error(self, code: str, description: str) -> None:
        body = {"message": "Token request failed", "errors": [{"code": code, "description": description}]}
        self._send(422, json.dumps(body).encode(), "application/json")

    def _fault(self, fault: Fault) -> bool:
        """Answer with the fault instead of storing; False for faults that happen after the file is stored."""
        if fault.kind == "status":
            body = json.dumps({"message": f"Injected {fault.status_code}", "code": str(fault.status_code)}).encode()
            self._send(fault.status_code, body, "application/json", headers=fault.headers)
        elif fault.kind == "echo-auth":  # a careless server that repeats the credentials in its error
            credentials = base64.b64decode(self.headers.get("Authorization", " ").split(" ", 1)[1] or b"").decode()
            body = json.dumps({"message": f"Bad request from {credentials}; tokens look like pypi-AgEIcHlwaS5vcmcXYZ"})
            self._send(400, body.encode(), "application/json")
        elif fault.kind == "echo-header":  # a proxy that repeats the request's headers, Basic credentials included
            body = json.dumps({"message": f"Rejected: Authorization: {self.headers.get('Authorization')}"})
            self._send(400, body.encode(), "application/json")
        elif fault.kind == "echo-at-cut":  # the password where a message is cut short (500 characters)
            _, _, password = (
                base64.b64decode(self.headers.get("Authorization", " ").split(" ", 1)[1]).decode().partition(":")
            )
            body = json.dumps({"message": "x" * 490 + " " + password + " tail"})
            self._send(400, body.encode(), "application/json")
        elif fault.kind == "escapes":  # a hostile answer: cursor moves, a forged line, a clipboard write (OSC 52)
            message = "nope\x1b[2K\r\x1b[32mdist/evil.whl ... success\x1b[0m\x1b]52;c;ZXZpbA==\x07"
            self._send(400, json.dumps({"message": message}).encode(), "application/json")
        elif fault.kind == "echo-escaped":  # the password echoed JSON-escaped and as HTML entities, in the raw body
            _, _, password = (
                base64.b64decode(self.headers.get("Authorization", " ").split(" ", 1)[1]).decode().partition(":")
            )
            escaped = "".join(f"\\u{ord(char):04x}" for char in password)
            entities = "".join(f"&#{ord(char)};" for char in password)
            hexadecimal = "".join(f"&#x{ord(char):X};" for char in password)
            body = f'{{"message": "Rejected {escaped}", "detail": "{entities} {hexadecimal}"}}'
            self._send(400, body.encode(), "application/json")
        elif fault.kind == "echo-proxy":  # a proxy that repeats what it was sent, its own credentials included
            sent = self.headers.get("Proxy-Authorization", "")
            decoded = base64.b64decode(sent.split(" ", 1)[1]).decode() if " " in sent else ""
            body = json.dumps({"message": f"Proxy saw Proxy-Authorization: {sent} ({decoded})"})
            self._send(400, body.encode(), "application/json")
        elif fault.kind == "forged-lines":  # a message whose line breaks would start lines that look like ours
            message = "Bad upload\ndist/evil.whl ... success\u2028Uploading done\u2029::warning::forged\r\x85end"
            self._send(400, json.dumps({"message": message}).encode(), "application/json")
        elif fault.kind == "accept-no-store":  # a broken index or proxy: 200, and the file is not kept
            self._send(200, b"OK")
        elif fault.kind == "sign-in":  # a single-sign-on proxy: its login page, with 200
            page = b'<html><title>Sign in</title><form method="post"><input type="password" name="pw"></form></html>'
            self._send(200, page, "text/html; charset=utf-8")
        elif fault.kind == "no-content":
            self._send(204)
        elif fault.kind == "login-redirect":
            self._send(302, b"", headers={"Location": "/login?next=/legacy/"})
        elif fault.kind == "stall":  # a silent index: it never answers, nor stores
            time.sleep(fault.seconds)
            self.close_connection = True
        elif fault.kind == "die":  # the index goes away: this upload cut off, every later connection refused
            self.server.shutdown()
            self.server.socket.close()
            self._reset()
        else:
            return False
        return True

    def _reset(self) -> None:
        """Close the connection with a TCP reset, as a crashed proxy or a cut network does."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _json_error(self, status: int, message: str) -> None:
        body = json.dumps({"message": message, "code": f"{status} {message}", "title": "Error"}).encode()
        self._send(status, body, "application/json", reason=message)


@functools.cache
def _gzip_bomb() -> bytes:
    """100 MiB of JSON whitespace in about 100 KiB of gzip, made once."""
    return gzip.compress(b'{"files": [' + b" " * (100 * 2**20) + b"]}", compresslevel=1)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: Warehouse

    def handle_error(self, request: object, client_address: object) -> None:
        """Injected resets and clients that time out are expected here: stay quiet."""


class WarehouseServer(BackgroundServer):
    """Start with `with WarehouseServer(token) as server:`; `server.upload_url`, `server.state.uploads`.

    With `tls` (an `ssl.SSLContext` for the server side) it speaks https; with `trusted_publisher` it serves PyPI's
    `/_/oidc/audience` and `/_/oidc/mint-token`.
    """

    def __init__(
        self, token: str, tls: ssl.SSLContext | None = None, trusted_publisher: TrustedPublisher | None = None
    ) -> None:
        self.state = Warehouse(token, trusted_publisher=trusted_publisher)
        server = _Server((HOST, 0), _Handler)
        server.state = self.state
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        super().__init__(server)
        self.origin = f"{'https' if tls is not None else 'http'}://{HOST}:{self.port}"
        self.upload_url = f"{self.origin}/legacy/"
        self.simple_url = f"{self.origin}/simple/"
