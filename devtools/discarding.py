"""An index on 127.0.0.1 that accepts every upload and keeps nothing: only the client's own cost is measured.

Each upload's body is read and thrown away; the answer (200) comes after an optional delay, standing in for the
seconds PyPI spends checking and storing a file. The simple API lists the names of the files received, without hashes
(so a publisher can confirm its uploads, and none skips a file by a matching hash: every run uploads everything), at
`/simple/<project>/` only (not devpi's `/+simple/`, where Hatch's own publisher looks for names to skip).
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler

from devtools.background import HOST, BackgroundServer, QuietHTTPServer, answer

CHUNK = 1024 * 1024
FILENAME = re.compile(rb'filename="([^"]+)"')


class DiscardingServer(BackgroundServer):
    """`with DiscardingServer(delay=0.4) as server:` then upload to `server.url`; `server.uploads` counts them."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.uploads = 0
        self.received: dict[str, None] = {}
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
                with lock:
                    names = list(owner.received)
                if not self.path.startswith("/simple/") or not names:
                    answer(self, 404, b"Not Found")
                    return
                links = "".join(f'<a href="/files/{name}">{name}</a>' for name in names)
                answer(self, 200, f"<html><body>{links}</body></html>".encode(), "text/html")

            def do_POST(self) -> None:
                remaining = int(self.headers.get("Content-Length", "0"))
                name = None
                while remaining and (chunk := self.rfile.read(min(remaining, CHUNK))):
                    remaining -= len(chunk)
                    found = FILENAME.search(chunk) if name is None else None
                    name = found.group(1).decode() if found else name
                time.sleep(owner.delay)
                with lock:
                    owner.uploads += 1
                    if name:
                        owner.received[name] = None
                answer(self, 200, b"OK")

        super().__init__(QuietHTTPServer((HOST, 0), Handler))
        self.url = f"http://{HOST}:{self.port}/"
