"""An answer read within its bounds is the answer as it came: the body decoded once (a gzip-encoded page too), the
headers as they were sent, and its text in the encoding they name."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hatch_custom_index.errors import Redactor
from hatch_custom_index.index import IndexClient
from hatch_custom_index.index.simple import PEP691_JSON
from hatch_custom_index.model import Listed
from hatch_custom_index.repositories import select_repository
from hatch_custom_index.settings import HATCH, PROJECT, parse_cli, parse_config, parse_env

SHA256 = "a" * 64
PAGE = json.dumps(
    {"meta": {"api-version": "1.0"}, "files": [{"filename": "demo-1.0.tar.gz", "hashes": {"sha256": SHA256}}]}
)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = gzip.compress(PAGE.encode())
        self.send_response(200)
        self.send_header("Content-Type", f"{PEP691_JSON}; charset=latin-1")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Devpi-Server-Version", "6.0")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def origin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def client_of(origin: str) -> IndexClient:
    cli = {"repo": f"{origin}/legacy/", "simple-url": f"{origin}/simple/", "timeout": "5"}
    project, hatch = parse_config({}, "project", PROJECT), parse_config({}, "hatch", HATCH)
    return IndexClient(select_repository(parse_cli(cli), parse_env({}), project, hatch), redact=Redactor())


def test_a_gzip_encoded_answer_is_decoded_once_and_keeps_its_headers(origin) -> None:
    with client_of(origin) as client:
        response = client.request("GET", f"{origin}/simple/demo/", retry=False)

    assert response.status_code == 200
    assert response.content == PAGE.encode()
    assert response.json() == json.loads(PAGE)
    assert response.headers["Content-Encoding"] == "gzip"  # as it came, though the body is decoded
    assert response.headers["Content-Length"] == str(len(gzip.compress(PAGE.encode())))
    assert response.encoding == "latin-1"
    assert response.reason_phrase == "OK"
    assert str(response.url) == f"{origin}/simple/demo/"
    assert response.is_closed


def test_a_gzip_encoded_simple_page_lists_its_files(origin) -> None:
    with client_of(origin) as client:
        holdings = client.existing_files("demo", lambda: None, retry=False)

    assert holdings == Listed({"demo-1.0.tar.gz": SHA256})
    assert client.facts.is_devpi  # read from the headers as they came
