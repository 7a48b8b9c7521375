"""The index itself: the legacy upload API (Basic auth, the form validated and recorded, 400 "File already exists"
for different bytes under a known name) and the PEP 691 JSON simple API, with the faults, the OIDC exchanges and the
forward proxy mixed in."""

from __future__ import annotations

import base64
import hashlib
import json
import time

from devtools.warehouse.faults import FaultKind
from devtools.warehouse.faulty import FaultyAnswers
from devtools.warehouse.forms import form_metadata_problem, parse_form
from devtools.warehouse.oidc import OidcExchanges
from devtools.warehouse.proxy import ForwardProxy
from devtools.warehouse.state import Upload


class IndexHandler(FaultyAnswers, OidcExchanges, ForwardProxy):
    def do_GET(self) -> None:  # noqa: N802 -- BaseHTTPRequestHandler's name
        state = self.server.state
        path = self._route("GET")
        if self._read_fault(state.next_fault("GET")):
            return
        if path == "/_/oidc/audience":
            self._audience()
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
            self._project_page(project)
            return
        self._send(404, b"Not Found")

    def _project_page(self, project: str) -> None:
        """A project's PEP 691 page: the files listed by now, 404 when there are none."""
        state = self.server.state
        now = time.monotonic()
        with state.lock:
            files = {
                name: data for name, data in state.files.get(project, {}).items() if state.listed_at.get(name, 0) <= now
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

    def _may_read(self) -> bool:
        """Credentials that this index takes: its token, or one it minted."""
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        if scheme != "Basic":
            return False
        _, _, password = base64.b64decode(encoded).decode().partition(":")
        state = self.server.state
        return password == state.token or state.minted.get(password, 0) >= time.time()

    def do_POST(self) -> None:  # noqa: N802 -- BaseHTTPRequestHandler's name
        state = self.server.state
        path = self._route("POST")
        length = int(self.headers.get("Content-Length", "0"))
        if self._oidc_post(path, length):
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
        body = self._read_body(fault, length)
        if body is None:
            return
        if path != state.upload_path:
            self._send(404, b"Not Found")
            return
        if fault is not None and self._upload_fault(fault):
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
        if fault is not None and fault.kind is FaultKind.STORE_THEN_DROP:
            self._reset()
            return
        time.sleep(state.delay)
        if state.accepted_status == 202:  # noqa: PLR2004 -- Pulp's answer: the task that will store the file
            body = json.dumps({"task": f"/pulp/api/v3/tasks/{len(state.uploads)}/"}).encode()
            self._send(202, body, "application/json")
            return
        self._send(state.accepted_status, b"" if state.accepted_status == 204 else b"OK")  # noqa: PLR2004
