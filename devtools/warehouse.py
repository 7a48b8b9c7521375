"""A small index on 127.0.0.1 that reads uploads the way Warehouse (PyPI) does, and records them.

It stands in for PyPI, which cannot run here: the legacy upload API at `/legacy/` (Basic auth, `__token__` only, the
form's fields recorded exactly as sent, 400 "File already exists" for different bytes under a known name, 200 for an
identical re-upload), and the PEP 691 JSON simple API at `/simple/<project>/`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"


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
class Warehouse:
    """The server's state: accepted uploads, files by name, and the token it accepts."""

    token: str
    uploads: list[Upload] = field(default_factory=list)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # project -> file name -> bytes
    lock: threading.Lock = field(default_factory=threading.Lock)


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


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: object) -> None:
        pass

    def _send(
        self, status: int, body: bytes = b"", content_type: str = "text/plain", reason: str | None = None
    ) -> None:
        self.send_response(status, reason)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        state = self.server.state
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "simple":  # noqa: PLR2004
            with state.lock:
                files = dict(state.files.get(parts[1], {}))
            if not files:
                self._send(404, b"Not Found")
                return
            page = {
                "meta": {"api-version": "1.1"},
                "name": parts[1],
                "files": [
                    {"filename": name, "url": f"/files/{name}", "hashes": {"sha256": hashlib.sha256(data).hexdigest()}}
                    for name, data in files.items()
                ],
            }
            self._send(200, json.dumps(page).encode(), "application/vnd.pypi.simple.v1+json")
            return
        self._send(404, b"Not Found")

    def do_POST(self) -> None:
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/legacy/":
            self._send(404, b"Not Found")
            return
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        username, _, password = base64.b64decode(encoded).decode().partition(":") if scheme == "Basic" else ("", "", "")
        if username != "__token__":
            reason = "Username/Password authentication is no longer supported. Migrate to API Tokens"
            self._json_error(403, reason)
            return
        if password != state.token:
            self._json_error(403, "Invalid or non-existent authentication information. See /help/#invalid-auth")
            return
        fields, filename, content = parse_form(self.headers["Content-Type"], body)
        if fields.get(":action") != ["file_upload"] or not filename:
            self._json_error(400, "Invalid request: no file_upload action or file")
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
            held[filename] = content
            state.uploads.append(Upload(fields, filename, content, username))
        self._send(200, b"OK")

    def _json_error(self, status: int, message: str) -> None:
        body = json.dumps({"message": message, "code": f"{status} {message}", "title": "Error"}).encode()
        self._send(status, body, "application/json", reason=message)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: Warehouse


class WarehouseServer:
    """Start with `with WarehouseServer(token) as server:`; `server.upload_url`, `server.state.uploads`."""

    def __init__(self, token: str) -> None:
        self.state = Warehouse(token)
        self._server = _Server((HOST, 0), _Handler)
        self._server.state = self.state
        port = self._server.server_address[1]
        self.upload_url = f"http://{HOST}:{port}/legacy/"
        self.simple_url = f"http://{HOST}:{port}/simple/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
