"""The simple API's project page (PEP 691 JSON or PEP 503 HTML), read into file name -> sha256."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hatch_custom_index.html_pages import simple_page_links

if TYPE_CHECKING:
    import httpx2

SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
PEP691_JSON = "application/vnd.pypi.simple.v1+json"


def parse_simple_page(response: httpx2.Response) -> dict[str, str | None]:
    """File name -> sha256 (None when the page gives none); a page that cannot be read is a ValueError."""
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == PEP691_JSON:
        try:
            page = response.json()
            return {
                entry["filename"]: _lower((entry.get("hashes") or {}).get("sha256"))
                for entry in page["files"]
                if isinstance(entry, dict)
            }
        except (ValueError, KeyError, TypeError):
            message = "not a valid PEP 691 project page"
            raise ValueError(message) from None
    return simple_page_links(response.text)


def _lower(digest: object) -> str | None:
    return digest.lower() if isinstance(digest, str) and digest else None
