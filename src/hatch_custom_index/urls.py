"""URLs: PyPI's and TestPyPI's, defined once, and the one way two URLs are compared or joined."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from hatch_custom_index.errors import redact_url

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
CLOUDSMITH_UPLOAD_HOST = "python.cloudsmith.io"  # https://python.cloudsmith.io/OWNER/REPO/
# ... whose simple API is https://dl.cloudsmith.io/basic/OWNER/REPO/python/simple/ (`public` for public ones)
CLOUDSMITH_DOWNLOAD_HOST = "dl.cloudsmith.io"
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


@dataclass(frozen=True)
class SimpleApi:
    """Where an index lists its files (the simple API's root, with its trailing slash), and how that was found."""

    url: str
    how: str  # for -v: "Warehouse's and Pulp's sibling of legacy/"
    under_upload_url: bool = False  # the generic guess: devpi-server, recognised by its answer, may correct it


def derive_simple_api(upload_url: str) -> SimpleApi:
    """The simple API of an index, from its upload URL, where each kind of index serves it."""
    public = public_index(upload_url)
    if public:
        return SimpleApi(public[0], "PyPI's own" if public[0] == PYPI_SIMPLE_URL else "TestPyPI's own")
    parts = urlsplit(upload_url)
    segments = parts.path.rstrip("/").split("/")
    last = segments[-1]
    if last in {"simple", "+simple"}:
        return SimpleApi(child(upload_url, ""), "the upload URL itself: it names a simple API")
    if parts.hostname == CLOUDSMITH_UPLOAD_HOST and len(segments) == 3:  # noqa: PLR2004 -- "", OWNER, REPO
        owner, repo = segments[1:]
        url = f"{parts.scheme}://{CLOUDSMITH_DOWNLOAD_HOST}/basic/{owner}/{repo}/python/simple/"
        return SimpleApi(url, "Cloudsmith's download host")
    if last == "upload" and "_packaging" in segments:
        return SimpleApi(_sibling(parts, "simple/"), "Azure Artifacts' sibling of upload/")
    if last == "legacy":
        return SimpleApi(_sibling(parts, "simple/"), "Warehouse's and Pulp's sibling of legacy/")
    return SimpleApi(child(upload_url, "simple/"), "under the upload URL", under_upload_url=True)


def _sibling(parts: SplitResult, name: str) -> str:
    """The URL with its last path segment replaced by `name`."""
    parent = parts.path.rstrip("/").rsplit("/", 1)[0]
    return parts._replace(path=f"{parent}/{name}", query="", fragment="").geturl()


def is_public_simple_page(url: str) -> bool:
    """A page of PyPI's or TestPyPI's simple API."""
    return any(child(url, "").startswith(simple) for simple, _ in PUBLIC_INDEXES.values())


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


def devpi_simple_upload_url(upload_url: str, *, is_devpi: bool) -> str | None:
    """Why not to upload to devpi-server's `+simple/` (it answers an upload there with success and stores nothing),
    once the server said it is devpi; None elsewhere."""
    right = upload_url_for_simple(upload_url)
    if not is_devpi or right is None or not upload_url.rstrip("/").endswith("+simple"):
        return None
    return (
        f"the upload URL {redact_url(upload_url)} is devpi-server's simple API, where it lists files: it answers an "
        f"upload there with success and stores nothing; upload to {redact_url(right)}"
    )


def child(url: str, path: str) -> str:
    """`path` under `url`, with one slash between: `child("https://h/x", "simple/")` is `https://h/x/simple/`."""
    return url.rstrip("/") + "/" + path.lstrip("/")


def spellings(url: str) -> list[str]:
    """`url` as given, with a trailing slash, and without: how others may have stored it."""
    return list(dict.fromkeys([url, child(url, ""), url.rstrip("/")]))


def same_origin(left: str, right: str) -> bool:
    a, b = urlsplit(left), urlsplit(right)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
