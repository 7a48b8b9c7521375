"""What the in-process test servers share: serving from a daemon thread on 127.0.0.1, and answering a request."""

from __future__ import annotations

import sys
import threading
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler

HOST = "127.0.0.1"


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print a client hanging up (a publisher done, or cut off) as an error."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class BackgroundServer:
    """Serves `server` from a daemon thread until `stop()`; a context manager."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self._server.daemon_threads = True
        self.port: int = server.server_address[1]
        # A short poll: `stop()` waits for it, once per test that starts a server.
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def answer(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str = "text/plain",
    headers: dict[str, str] | None = None,
    reason: str | None = None,
) -> None:
    """Send a whole response with its Content-Length."""
    handler.send_response(status, reason)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
