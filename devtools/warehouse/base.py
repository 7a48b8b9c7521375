"""What every exchange of the stand-in index stands on: the threading server holding the state, and a request handler
that answers whole responses, Warehouse's JSON errors and TCP resets."""

from __future__ import annotations

import json
import socket
import struct
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from devtools.background import answer

if TYPE_CHECKING:
    from devtools.warehouse.state import Warehouse


class Server(ThreadingHTTPServer):
    daemon_threads = True
    state: Warehouse

    def handle_error(self, request: object, client_address: object) -> None:
        """Injected resets and clients that time out are expected here: stay quiet."""


class Exchange(BaseHTTPRequestHandler):
    """The base of the index's handler and of each exchange mixed into it."""

    server: Server
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

    def _json_error(self, status: int, message: str) -> None:
        body = json.dumps({"message": message, "code": f"{status} {message}", "title": "Error"}).encode()
        self._send(status, body, "application/json", reason=message)

    def _reset(self) -> None:
        """Close the connection with a TCP reset, as a crashed proxy or a cut network does."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()
