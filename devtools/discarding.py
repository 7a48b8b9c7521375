"""An index on 127.0.0.1 that accepts every upload and keeps nothing: only the client's own cost is measured.

Each upload's body is read and thrown away; the answer (200) comes after an optional delay, standing in for the
seconds PyPI spends checking and storing a file. The simple API knows no project (404), so every file is uploaded.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
CHUNK = 1024 * 1024


class DiscardingServer:
    """`with DiscardingServer(delay=0.4) as server:` then upload to `server.url`; `server.uploads` counts them."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.uploads = 0
        self.bytes = 0
        lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._answer(404, b"Not Found")

            def do_POST(self) -> None:
                remaining = int(self.headers.get("Content-Length", "0"))
                received = 0
                while remaining:
                    chunk = self.rfile.read(min(remaining, CHUNK))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                    received += len(chunk)
                if owner.delay:
                    time.sleep(owner.delay)
                with lock:
                    owner.uploads += 1
                    owner.bytes += received
                self._answer(200, b"OK")

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://{HOST}:{self._server.server_address[1]}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
