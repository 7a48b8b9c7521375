"""Reading HTML: the links of a PEP 503 simple page, and the visible text of an error page (imported only for them)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


def simple_page_links(html: str) -> dict[str, str | None]:
    """File name -> sha256 (None when the link carries none) of a PEP 503 project page."""
    parser = _LinkParser()
    parser.feed(html)
    return parser.files


def visible_text(html: str) -> str:
    """The text a browser would show, whitespace collapsed; no head, title, scripts or styles."""
    parser = _TextParser()
    parser.feed(html)
    return " ".join(" ".join(parser.chunks).split())


class _LinkParser(HTMLParser):
    """Collect `<a href="...name#sha256=...">` links of a PEP 503 page."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        href = dict(attrs).get("href")
        if not href:
            return
        location, _, fragment = href.partition("#")
        filename = unquote(urlsplit(location).path.rsplit("/", 1)[-1])
        algorithm, _, digest = fragment.partition("=")
        if filename:
            self.files[filename] = digest.lower() if algorithm == "sha256" and digest else None


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
