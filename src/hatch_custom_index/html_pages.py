"""Reading HTML: the links of a PEP 503 simple page, and the visible text of an error page (imported only for them)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, AnyStr
from urllib.parse import unquote

if TYPE_CHECKING:
    from collections.abc import Iterator

# A simple page is read in one pass of one regular expression, in linear time whatever its shape (a million links,
# tags nested millions deep): each match starts at a `<` and always succeeds up to the end of its token (or of the
# page), so nothing is scanned twice. Comments, scripts and styles are passed over whole, as a browser would; every
# other tag but `<a>` fails at once.
_ATTRIBUTES = r"[^>\"']*(?:(?:\"[^\"]*(?:\"|\Z)|'[^']*(?:'|\Z))[^>\"']*)*"  # up to the tag's end, quotes and all
_TOKEN = (
    r"<!--.*?(?:--!?>|\Z)"
    r"|<(?:script|style)\b.*?(?:</(?:script|style)\s*>|\Z)"
    r"|<a(?=[\s/>])(?:\s+href\s*=\s*\"([^\"]+)\")?(" + _ATTRIBUTES + ")"
)
_ATTRIBUTE = r"""([^\s/>"'=][^\s/>"'=]*)(?:\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s"'>]*)))?"""
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # a link's `https:`
_TEXT_PATTERNS = (re.compile(_TOKEN, re.DOTALL | re.IGNORECASE), re.compile(_ATTRIBUTE), "href")  # patterns, `href`
_BYTES_PATTERNS = (re.compile(_TOKEN.encode(), re.DOTALL | re.IGNORECASE), re.compile(_ATTRIBUTE.encode()), b"href")


def simple_page_links(page: str | bytes, encoding: str = "utf-8") -> dict[str, str | None]:
    """File name -> sha256 (None when the link carries none) of a PEP 503 project page. A page in bytes is read as
    bytes when its encoding spells ASCII as ASCII (UTF-8, Latin-1...): only the links' addresses are decoded."""
    if isinstance(page, bytes) and not _ascii_compatible(encoding):
        page = page.decode(encoding, errors="replace")
    files: dict[str, str | None] = {}
    for href in _hrefs(page):
        text = href if isinstance(href, str) else href.decode(encoding, errors="replace")
        location, _, fragment = (unescape(text) if "&" in text else text).partition("#")
        name = _file_name(location)
        if name:
            algorithm, _, digest = fragment.partition("=")
            files[name] = digest.strip().lower() if algorithm == "sha256" and digest else None
    return files


def _hrefs(page: str | bytes) -> Iterator[str | bytes]:
    """The `href` of each `<a>` outside comments, scripts and styles, in order (the first, when a tag has two)."""
    return _links(page, *_TEXT_PATTERNS) if isinstance(page, str) else _links(page, *_BYTES_PATTERNS)


def _links(page: AnyStr, token: re.Pattern[AnyStr], attribute: re.Pattern[AnyStr], href: AnyStr) -> Iterator[AnyStr]:
    for match in token.finditer(page):
        first, attributes = match.group(1, 2)
        if first:  # the common `<a href="...">`, read by the pattern itself
            yield first
        elif attributes:
            for name, double, single, bare in attribute.findall(attributes):
                if name.lower() == href:
                    if value := double or single or bare:
                        yield value
                    break


def _file_name(location: str) -> str:
    """The file name a link's address (without its fragment) ends with: the last segment of its path as urllib's
    `urlsplit` reads it, after any scheme and host (none for a bare `https://host`), percent-decoded."""
    path = location.partition("?")[0].strip()
    if ":" in path and (scheme := _SCHEME.match(path)):
        path = path[scheme.end() :]
    if path.startswith("//"):
        path = path[2:].partition("/")[2]  # the host left out
    name = path.rpartition("/")[2]
    return unquote(name) if "%" in name else name


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "<a href='#'>".encode(encoding) == b"<a href='#'>"
    except (LookupError, ValueError):
        return False


def visible_text(html: str) -> str:
    """The text a browser would show, whitespace collapsed; no head, title, scripts or styles."""
    parser = _TextParser()
    parser.feed(html)
    return " ".join(" ".join(parser.chunks).split())


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in {"script", "style", "title", "head"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "title", "head"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)
