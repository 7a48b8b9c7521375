"""The simple API's project page (PEP 691 JSON or PEP 503 HTML), read into file name -> sha256."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hatch_custom_index.html_pages import simple_page_links

if TYPE_CHECKING:
    import httpx2

SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
PEP691_JSON = "application/vnd.pypi.simple.v1+json"


def parse_simple_page(response: httpx2.Response) -> dict[str, str | None]:
    """File name -> sha256 (None when the page gives none); a page that cannot be read is a ValueError. Entries of
    another shape are left out, never a traceback; nesting deeper than a project page has is refused unread."""
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != PEP691_JSON:
        return simple_page_links(response.text)
    if _too_deep(response.content):
        message = f"not a valid PEP 691 project page (nested deeper than {MAX_JSON_DEPTH} levels)"
        raise ValueError(message)
    try:
        page = response.json()
    except (ValueError, RecursionError):
        message = "not a valid PEP 691 project page (not JSON)"
        raise ValueError(message) from None
    files = page.get("files") if isinstance(page, dict) else None
    if not isinstance(files, list):
        message = "not a valid PEP 691 project page (no `files` list)"
        raise ValueError(message)  # noqa: TRY004 -- callers read every unreadable page as a ValueError
    found: dict[str, str | None] = {}
    for entry in files:
        if isinstance(entry, dict) and isinstance(entry.get("filename"), str):
            hashes = entry.get("hashes")
            found[entry["filename"]] = _lower(hashes.get("sha256")) if isinstance(hashes, dict) else None
    return found


MAX_JSON_DEPTH = 32  # a project page nests 4 levels; anything far deeper is an attack on the parser


def _too_deep(body: bytes) -> bool:
    """Whether brackets nest deeper than MAX_JSON_DEPTH (a cheap scan; strings may hold brackets, which can only make
    a page look deeper, and a real page is far from the limit). Only the brackets are walked, kept by a C-speed
    `translate`: a 5 MB page of a project with thousands of files costs milliseconds."""
    depth = 0
    for byte in body.translate(None, _NOT_BRACKETS):
        depth += 1 if byte in _OPENING else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


_OPENING = frozenset(b"[{")
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


def _lower(digest: object) -> str | None:
    return digest.lower() if isinstance(digest, str) and digest else None
