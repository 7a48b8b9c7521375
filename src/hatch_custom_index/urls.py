"""URLs: PyPI's and TestPyPI's, defined once, and the one way two URLs are compared or joined."""

from __future__ import annotations

from urllib.parse import urlsplit

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
CLOUDSMITH_UPLOAD_HOST = "python.cloudsmith.io"  # https://python.cloudsmith.io/OWNER/REPO/
CLOUDSMITH_API = "https://api.cloudsmith.io"  # where Cloudsmith's tools go, unless CLOUDSMITH_API_HOST says otherwise
TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/"
PYPI_SIMPLE_URL = "https://pypi.org/simple/"
TESTPYPI_SIMPLE_URL = "https://test.pypi.org/simple/"
# Upload URL (without trailing slash) -> (simple API, project pages) of the public indexes.
PUBLIC_INDEXES = {
    PYPI_UPLOAD_URL.rstrip("/"): (PYPI_SIMPLE_URL, "https://pypi.org/project/"),
    TESTPYPI_UPLOAD_URL.rstrip("/"): (TESTPYPI_SIMPLE_URL, "https://test.pypi.org/project/"),
}


def same_url(left: str, right: str) -> bool:
    """One URL, with or without its trailing slash."""
    return left.rstrip("/") == right.rstrip("/")


def public_index(url: str) -> tuple[str, str] | None:
    """(simple API, project pages) when `url` is PyPI's or TestPyPI's upload URL."""
    return PUBLIC_INDEXES.get(url.rstrip("/"))


def upload_url_for_simple(url: str) -> str | None:
    """The upload URL when `url` is a simple API's root (`.../simple/`, devpi's `.../+simple/`), else None: PyPI's and
    TestPyPI's own, else the URL without that last part (pypiserver, devpi, Artifactory, Nexus, GitLab)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last not in {"simple", "+simple"} or parts.query:
        return None
    for upload, (simple, _) in PUBLIC_INDEXES.items():
        if same_url(simple, url):
            return child(upload, "")
    return parts._replace(path=path[: -len(last)] or "/").geturl()


def child(url: str, path: str) -> str:
    """`path` under `url`, with one slash between: `child("https://h/x", "simple/")` is `https://h/x/simple/`."""
    return url.rstrip("/") + "/" + path.lstrip("/")


def spellings(url: str) -> list[str]:
    """`url` as given, with a trailing slash, and without: how others may have stored it."""
    return list(dict.fromkeys([url, child(url, ""), url.rstrip("/")]))


def same_origin(left: str, right: str) -> bool:
    a, b = urlsplit(left), urlsplit(right)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
