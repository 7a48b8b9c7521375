"""The simple API's project page (PEP 691 JSON or PEP 503 HTML), read into file name -> sha256."""

from __future__ import annotations

import json
from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

from hatch_custom_index.html_pages import simple_page_links

if TYPE_CHECKING:
    import httpx2

    from hatch_custom_index.json_types import JSONObject

SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
PEP691_JSON = "application/vnd.pypi.simple.v1+json"


def parse_simple_page(response: httpx2.Response) -> dict[str, str | None]:
    """File name -> sha256 (None when the page gives none); a page that cannot be read is a ValueError. Entries of
    another shape are left out, never a traceback; nesting deeper than a project page has is refused unread. Each page
    is read in one pass, in time linear in its size: HTML as bytes (`simple_page_links`), JSON with each file's entry
    reduced to its name and sha256 as it is decoded (a page of a million files holds no million dicts)."""
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != PEP691_JSON:
        return simple_page_links(response.content, response.encoding or "utf-8")
    if _too_deep(response.content):
        message = f"not a valid PEP 691 project page (nested deeper than {MAX_JSON_DEPTH} levels)"
        raise ValueError(message)
    try:
        page = json.loads(response.content, object_pairs_hook=_entry)
    except (ValueError, RecursionError):
        message = "not a valid PEP 691 project page (not JSON)"
        raise ValueError(message) from None
    files = page.get("files") if isinstance(page, dict) else None
    if not isinstance(files, list):
        message = "not a valid PEP 691 project page (no `files` list)"
        raise ValueError(message)  # noqa: TRY004 -- callers read every unreadable page as a ValueError
    return {entry.filename: entry.sha256 for entry in files if isinstance(entry, _File)}


class _File(NamedTuple):
    """A file's entry, as much of it as is kept."""

    filename: str
    sha256: str | None


def _entry(pairs: list[tuple[str, object]]) -> JSONObject | _File:
    """Each JSON object as it is decoded: a file's entry (a string `filename`) reduced to a _File, others a dict."""
    found = dict(pairs)
    filename = found.get("filename")
    if not isinstance(filename, str):
        return found
    hashes = found.get("hashes")
    return _File(filename, _lower(hashes.get("sha256")) if isinstance(hashes, dict) else None)


MAX_JSON_DEPTH = 32  # a project page nests 4 levels; anything far deeper is an attack on the parser


def _too_deep(body: bytes) -> bool:
    """Whether brackets nest deeper than MAX_JSON_DEPTH (a cheap scan; strings may hold brackets, which can only make
    a page look deeper, and a real page is far from the limit). Only the brackets are kept, by a C-speed `translate`,
    and their running depth summed at C speed too: a page of a million files costs a fraction of a second."""
    brackets = body.translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_JSON_DEPTH


_STEP = [1 if byte in b"[{" else -1 for byte in range(256)]  # a bracket's step in depth
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


def _lower(digest: object) -> str | None:
    return digest.lower() if isinstance(digest, str) and digest else None
