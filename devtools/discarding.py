"""An index on 127.0.0.1 that accepts every upload and keeps nothing: only the client's own cost is measured.

Each upload's body is read and thrown away; the answer (200) comes after an optional delay, standing in for the
seconds PyPI spends checking and storing a file. The simple API knows no project (404), so every file is uploaded.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

from devtools.background import HOST, BackgroundServer, QuietHTTPServer, answer

CHUNK = 1024 * 1024


class DiscardingServer(BackgroundServer):
    """`with DiscardingServer(delay=0.4) as server:` then upload to `server.url`; `server.uploads` counts them."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.uploads = 0
        lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = (
                True  # headers and body are separate writes: no 40 ms delayed-ACK stall on keep-alive
            )

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                answer(self, 404, b"Not Found")

            def do_POST(self) -> None:
                remaining = int(self.headers.get("Content-Length", "0"))
                while remaining and (chunk := self.rfile.read(min(remaining, CHUNK))):
                    remaining -= len(chunk)
                time.sleep(owner.delay)
                with lock:
                    owner.uploads += 1
                answer(self, 200, b"OK")

        super().__init__(QuietHTTPServer((HOST, 0), Handler))
        self.url = f"http://{HOST}:{self.port}/"
