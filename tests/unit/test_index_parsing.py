"""What the index already holds (PEP 691 / PEP 503 pages) and the server's own words on a failure."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx2
import pytest

from hatch_custom_index.index.messages import MAX_MESSAGE_CHARS, extract_message
from hatch_custom_index.index.simple import parse_simple_page

SHA_A = "a" * 64
SHA_B = "b" * 64


def response(
    status: int = 200, content_type: str | None = None, body: str | bytes = b"", reason: bytes | None = None
) -> httpx2.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    extensions = {"reason_phrase": reason} if reason is not None else {}
    content = body.encode() if isinstance(body, str) else body
    return httpx2.Response(status, headers=headers, content=content, extensions=extensions)


def json_response(status: int, body: Any, reason: bytes | None = None) -> httpx2.Response:
    return response(status, "application/json", json.dumps(body), reason)


# --- parse_simple_page ----------------------------------------------------------------------------------------------


def test_pep691_json_page() -> None:
    page = {
        "meta": {"api-version": "1.1"},
        "name": "demo",
        "files": [
            {"filename": "demo-1.0.tar.gz", "url": "https://f/demo-1.0.tar.gz", "hashes": {"sha256": SHA_A}},
            {"filename": "demo-1.0-py3-none-any.whl", "url": "https://f/x.whl", "hashes": {"md5": "0" * 32}},
            {"filename": "demo-0.9.tar.gz", "url": "https://f/demo-0.9.tar.gz", "hashes": {}},
        ],
    }
    files = parse_simple_page(response(200, "application/vnd.pypi.simple.v1+json; charset=utf-8", json.dumps(page)))
    assert files == {"demo-1.0.tar.gz": SHA_A, "demo-1.0-py3-none-any.whl": None, "demo-0.9.tar.gz": None}


def test_pep691_json_digest_is_lowercased_like_html() -> None:
    page = {"files": [{"filename": "demo-1.0.tar.gz", "url": "x", "hashes": {"sha256": SHA_A.upper()}}]}
    files = parse_simple_page(response(200, "application/vnd.pypi.simple.v1+json", json.dumps(page)))
    assert files == {"demo-1.0.tar.gz": SHA_A}


@pytest.mark.parametrize("body", ["not json", "[]", '{"name": "demo"}', '{"files": {"url": "x"}}'])
def test_invalid_pep691_page_is_a_value_error(body: str) -> None:
    with pytest.raises(ValueError, match="not a valid PEP 691 project page"):
        parse_simple_page(response(200, "application/vnd.pypi.simple.v1+json", body))


def test_pep503_html_page() -> None:
    html = f"""<!DOCTYPE html>
<html><head><title>Links for demo</title></head><body>
<h1>Links for demo</h1>
<a href="../../packages/demo-1.0.tar.gz#sha256={SHA_A.upper()}">demo-1.0.tar.gz</a><br>
<a href="https://files.example/demo-1.0-py3-none-any.whl#sha256={SHA_B}" data-requires-python="&gt;=3.8">whl</a>
<a href="/packages/demo-0.9.tar.gz">demo-0.9.tar.gz</a>
<a href="/packages/demo-0.8.tar.gz#md5=0123456789abcdef0123456789abcdef">demo-0.8.tar.gz</a>
<a href="/packages/my%2Bdemo-0.7.tar.gz#sha256={SHA_A}">quoted</a>
<a>no href</a>
</body></html>"""
    files = parse_simple_page(response(200, "text/html; charset=utf-8", html))
    assert files == {
        "demo-1.0.tar.gz": SHA_A,
        "demo-1.0-py3-none-any.whl": SHA_B,
        "demo-0.9.tar.gz": None,
        "demo-0.8.tar.gz": None,
        "my+demo-0.7.tar.gz": SHA_A,
    }


def test_pep503_html_page_with_pep691_html_content_type() -> None:
    html = f'<a href="demo-1.0.tar.gz#sha256={SHA_A}">demo-1.0.tar.gz</a>'
    files = parse_simple_page(response(200, "application/vnd.pypi.simple.v1+html", html))
    assert files == {"demo-1.0.tar.gz": SHA_A}


def test_empty_html_page() -> None:
    assert parse_simple_page(response(200, "text/html", "<html><body></body></html>")) == {}


def test_pep503_links_as_a_browser_reads_them() -> None:
    html = f"""<html><body>
<!-- <a href="commented-1.0.tar.gz">hidden</a> -->
<script>var a = '<a href="scripted-1.0.tar.gz">';</script><STYLE>a[href="styled-1.0.tar.gz"] {{}}</STYLE>
<A HREF='upper-1.0.tar.gz#sha256={SHA_A.upper()}'>upper</A>
<a data-href="not-this.tar.gz" title='a > b' href=bare-1.0.tar.gz#sha256={SHA_B}>bare</a>
<a href="first-1.0.tar.gz" href="second-1.0.tar.gz">two</a>
<a href="/p/amp-1.0.tar.gz?x=1&amp;y=2#sha256={SHA_A}">entity</a>
<a href="https://files.example">a host, no file</a> <a href="//cdn.example/p/cdn-1.0.tar.gz">cdn</a>
<abbr href="abbr-1.0.tar.gz">not a link</abbr> <a href="">empty</a> <a>none</a>
</body></html>"""
    assert parse_simple_page(response(200, "text/html", html)) == {
        "upper-1.0.tar.gz": SHA_A,
        "bare-1.0.tar.gz": SHA_B,
        "first-1.0.tar.gz": None,
        "amp-1.0.tar.gz": SHA_A,
        "cdn-1.0.tar.gz": None,
    }


@pytest.mark.parametrize("charset", ["utf-8", "latin-1", "utf-16"])
def test_pep503_page_in_its_charset(charset: str) -> None:
    html = f'<html><body><a href="d%C3%A9mo-1.0.tar.gz">x</a><a href="caf\u00e9-1.0.tar.gz#sha256={SHA_A}">é</a>'
    page = response(200, f"text/html; charset={charset}", html.encode(charset))
    assert parse_simple_page(page) == {"démo-1.0.tar.gz": None, "café-1.0.tar.gz": SHA_A}


HOSTILE_HTML = {  # shapes that made a parser scan the page again and again; each is read in one pass now
    "nested tags": b"<div>",
    "tags never closed": b"<a ",
    "quotes never closed": b'<a "',
    "comments never closed": b"<!--",
    "scripts never closed": b"<script>",
    "attributes": b"x=y ",
    "links": b'<a href="demo-1.0.tar.gz">x</a>',
}


@pytest.mark.parametrize("unit", list(HOSTILE_HTML.values()), ids=list(HOSTILE_HTML))
def test_hostile_html_pages_are_read_in_linear_time(unit: bytes) -> None:
    """100,000 repeats: a few hundredths of a second in one pass, minutes if each repeat rescanned the page."""
    started = time.perf_counter()
    parse_simple_page(response(200, "text/html", b"<a " + unit * 100_000))
    assert time.perf_counter() - started < 2


def test_json_nesting_at_the_limit_is_read_and_beyond_it_refused() -> None:
    def nested(depth: int) -> str:
        return '{"files": [], "x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"

    assert parse_simple_page(response(200, "application/vnd.pypi.simple.v1+json", nested(32))) == {}
    with pytest.raises(ValueError, match="nested deeper than 32 levels"):
        parse_simple_page(response(200, "application/vnd.pypi.simple.v1+json", nested(33)))


def test_large_json_page_is_read_in_one_pass() -> None:
    files = [{"filename": f"demo-1.0.{i}.tar.gz", "url": "x", "hashes": {"sha256": SHA_A}} for i in range(100_000)]
    body = json.dumps({"meta": {"api-version": "1.1"}, "name": "demo", "files": files})
    started = time.perf_counter()
    page = parse_simple_page(response(200, "application/vnd.pypi.simple.v1+json", body))
    assert time.perf_counter() - started < 2
    assert len(page) == 100_000
    assert page["demo-1.0.99999.tar.gz"] == SHA_A


# --- extract_message ------------------------------------------------------------------------------------------------


def test_json_message_and_code() -> None:
    message = extract_message(json_response(400, {"message": "Invalid distribution", "code": "bad-dist"}))
    assert "Invalid distribution" in message
    assert "bad-dist" in message


def test_json_detail() -> None:
    assert extract_message(json_response(400, {"detail": "Version already uploaded"})) == "Version already uploaded"


def test_json_errors_list() -> None:
    body = {
        "message": "Token request failed",
        "errors": [
            {"code": "invalid-publisher", "description": "valid token, but no corresponding publisher"},
            {"code": "invalid-reuse-token", "description": "token already used"},
        ],
    }
    message = extract_message(json_response(422, body, reason=b"Unprocessable Entity"))
    assert "Token request failed" in message
    assert "invalid-publisher: valid token, but no corresponding publisher" in message
    assert "invalid-reuse-token: token already used" in message


@pytest.mark.parametrize("status", [413, 422])
def test_json_message_without_reason_phrase_is_not_prefixed_by_a_standard_phrase(status: int) -> None:
    assert extract_message(json_response(status, {"message": "Token request failed"})) == "Token request failed"


def test_json_body_that_is_not_an_object_is_shown_as_text() -> None:
    assert extract_message(response(500, "application/json", '["oops",  "again"]')) == '["oops", "again"]'


def test_invalid_json_body_is_shown_as_text() -> None:
    assert extract_message(response(500, "application/json", "upstream   failed\n")) == "upstream failed"


def test_html_body_is_reduced_to_text() -> None:
    html = """<html><head><title>403 Forbidden</title><style>body { color: red }</style></head>
<body>
  <script>var secret = "do not show";</script>
  <h1>Access   denied</h1>
  <p>You may not upload
     to <b>this</b> index.</p>
</body></html>"""
    message = extract_message(response(403, "text/html; charset=utf-8", html))
    assert message == "Access denied You may not upload to this index."


def test_html_body_recognised_without_content_type() -> None:
    assert extract_message(response(400, None, "  <p>Bad <i>wheel</i></p>")) == "Bad wheel"


def test_plain_text_body_whitespace_collapsed() -> None:
    assert extract_message(response(400, "text/plain", "Upload   failed:\n\n  checksum mismatch\n")) == (
        "Upload failed: checksum mismatch"
    )


def test_empty_body_with_standard_reason_is_empty() -> None:
    assert extract_message(response(404, "text/plain", "", reason=b"Not Found")) == ""


def test_warehouse_reason_phrase_carries_the_message() -> None:
    message = extract_message(response(400, "text/plain", "", reason=b"File already exists"))
    assert message == "File already exists"


def test_warehouse_reason_phrase_and_html_body() -> None:
    html = "<html><body><h1>400 File already exists</h1>See /help/#file-name-reuse</body></html>"
    message = extract_message(response(400, "text/html", html, reason=b"File already exists"))
    assert "File already exists" in message
    assert "/help/#file-name-reuse" in message
    assert message.count("File already exists") == 1


def test_reason_phrase_added_to_a_different_body() -> None:
    message = extract_message(
        response(400, "text/plain", "see the docs", reason=b"Invalid value for blake2_256_digest")
    )
    assert "Invalid value for blake2_256_digest" in message
    assert "see the docs" in message


def test_long_body_is_trimmed() -> None:
    message = extract_message(response(500, "text/plain", "word " * 1000))
    assert len(message) <= MAX_MESSAGE_CHARS + 2
    assert message.endswith(" …")
    assert message.startswith("word word")


def test_undecodable_body_gives_no_message() -> None:
    bad = httpx2.Response(400, headers={"Content-Type": "text/plain; charset=bogus-charset"}, content=b"\xff\xfe")
    assert isinstance(extract_message(bad), str)


def test_hostile_pep691_pages_are_refused_or_read_without_a_traceback() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(ValueError, match="nested deeper than 32 levels"):
        parse_simple_page(response(200, "application/vnd.pypi.simple.v1+json", '{"files": ' + deep + "}"))
    odd = {
        "files": [
            {"filename": "demo-1.0.tar.gz", "hashes": ["sha256", SHA_A]},  # hashes as a list
            {"filename": 7},
            "not an entry",
            {"filename": "demo-1.0-py3-none-any.whl", "hashes": {"sha256": SHA_A}},
        ]
    }
    page = parse_simple_page(response(200, "application/vnd.pypi.simple.v1+json", json.dumps(odd)))
    assert page == {"demo-1.0.tar.gz": None, "demo-1.0-py3-none-any.whl": SHA_A}
