"""HTTP with the index: what it already holds (simple API), uploads, and the server's own words on failure."""

from __future__ import annotations

import json
import random
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from hatch_custom_index.__about__ import __version__
from hatch_custom_index.errors import PublishError, Secret, redact_url, scrub
from hatch_custom_index.model import Credentials, Status
from hatch_custom_index.plan import different_file

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx2

    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.repositories import Repository

SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
UPLOAD_ACCEPT = "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7"
PEP691_JSON = "application/vnd.pypi.simple.v1+json"
MAX_MESSAGE_CHARS = 500
MAX_REDIRECTS = 5
BACKOFF_BASE = 0.5  # seconds before the first retry; doubled for each next one
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 120.0  # the longest wait for a server that asks for one


class IndexClient:
    """One connection pool to one repository: existence checks and uploads."""

    def __init__(
        self,
        repository: Repository,
        *,
        notify: Callable[[str], None] = lambda _message: None,
        debug: Callable[[str], None] = lambda _message: None,
        verbosity: int = 0,
        secrets: tuple[Secret, ...] = (),
    ) -> None:
        self.repository = repository
        self.timeout = repository.settings.timeout
        self.retries = repository.settings.retries
        self.notify = notify
        self.debug = debug
        self.verbosity = verbosity
        self.secrets = list(secrets)
        self._simple_url = repository.simple_url
        self.is_devpi = False  # devpi-server says so in its answers' headers
        self._client: httpx2.Client | None = None

    @property
    def client(self) -> httpx2.Client:
        if self._client is None:
            import httpx2

            from hatch_custom_index.transport import ssl_context

            self._client = httpx2.Client(
                headers={"User-Agent": f"hatch-custom-index/{__version__} httpx2/{httpx2.__version__}"},
                timeout=self.timeout,
                verify=ssl_context(self.repository),
                follow_redirects=False,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> IndexClient:  # noqa: PYI034 -- typing.Self needs Python 3.11
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def simple_url(self) -> str:
        """The simple API's root, as found by the existence check (devpi's `+simple/` once it said it is devpi)."""
        return self._simple_url

    def project_url(self, project: str) -> str:
        return f"{self._simple_url}{project}/"

    # --- what the index already holds -------------------------------------------------------------------------------

    def existing_files(
        self, project: str, credentials: Callable[[], Credentials | None], *, retry: bool = True
    ) -> tuple[dict[str, str | None], str | None]:
        """Map of file name to sha256 (None when the index gives none) of `project`'s files, and a warning if the
        check could not be made. `credentials` is asked only when the index refuses an anonymous read."""
        url = self.project_url(project)
        try:
            return self._existing_files(url, project, credentials, retry=retry)
        except PublishError as e:
            return {}, str(e)

    def holds(self, artifact: Artifact, credentials: Credentials) -> bool:
        """Whether the index has this very file (same name and sha256): after an upload whose answer was lost."""
        files, _ = self.existing_files(artifact.project, lambda: credentials, retry=False)
        return files.get(artifact.name) == artifact.sha256

    def _existing_files(
        self, url: str, project: str, credentials: Callable[[], Credentials | None], *, retry: bool = True
    ) -> tuple[dict[str, str | None], str | None]:
        response = self._get_simple(url, None, retry=retry)
        self.is_devpi = self.is_devpi or "x-devpi-server-version" in response.headers
        if response.status_code == 404 and self.is_devpi and not self.repository.simple_url_configured:  # noqa: PLR2004
            self._simple_url = self.repository.url.rstrip("/") + "/+simple/"
            url = self.project_url(project)
            response = self._get_simple(url, None, retry=retry)
        if response.status_code in {401, 403} and _same_origin(url, self.repository.url):
            found = credentials()
            if found is not None:
                response = self._get_simple(url, found, retry=retry)
        if response.status_code == 404:  # noqa: PLR2004
            return {}, None
        if response.status_code == 200:  # noqa: PLR2004
            try:
                return parse_simple_page(response), None
            except ValueError as e:
                return {}, f"could not read {redact_url(url)}: {e}"
        if response.is_redirect:  # another host: e.g. pypiserver's fallback to pypi.org for projects it lacks
            return {}, None
        return {}, f"could not check {redact_url(url)} for files already there: {self.describe(response)}"

    def _get_simple(self, url: str, credentials: Credentials | None, *, retry: bool = True) -> httpx2.Response:
        for _ in range(MAX_REDIRECTS):
            response = self._get(url, credentials, retry=retry)
            if not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("Location", ""))
            if not _same_origin(target, url):
                return response
            url = target
        return response

    # --- uploads ----------------------------------------------------------------------------------------------------

    def upload(
        self,
        artifact: Artifact,
        credentials: Credentials,
        *,
        attestations: bool = False,
        progress: Callable[[int | None], None] | None = None,
    ) -> Status:
        """Upload one file, retrying what failed on the way; UPLOADED or EXISTS, or a PublishError with the server's
        message. Before sending again what may have reached the index, ask the index whether it holds the file.
        `progress` is told each attempt's start (None) and then the bytes of the file as they go."""
        import httpx2

        from hatch_custom_index.multipart import UploadBody

        fields = artifact.form_fields(attestations=attestations)
        url = self.repository.url
        for attempt in range(self.retries + 1):
            response, final = None, False
            if progress is not None:
                progress(None)
            body = UploadBody(fields, artifact.path, artifact.name, artifact.digests, progress)
            headers = {"Accept": UPLOAD_ACCEPT, "Content-Type": body.content_type, "Content-Length": str(body.length)}
            try:
                response = self._send("POST", url, credentials, headers=headers, content=body)
                if body.digests:
                    artifact.digests = body.digests
            except OSError as e:  # the file itself: gone or changed while it was being sent
                message = f"{artifact.path}: {e.strerror or e}"
                raise PublishError(message) from None
            except httpx2.TimeoutException:
                error, reached, final = self._timeout_message(url), True, True
            except httpx2.HTTPError as e:
                error, reached = self._network_message(url, e), not isinstance(e, httpx2.ConnectError)
                final = _is_tls_failure(e)
            if response is not None:
                if not _is_transient(response.status_code):
                    return self._upload_result(artifact, credentials, response)
                error, reached = self.describe(response), True
            if reached and self.holds(artifact, credentials):
                return Status.UPLOADED
            if final or attempt == self.retries:
                tries = f" (tried {attempt + 1} times)" if attempt else ""
                raise PublishError(error + tries)
            delay = self._retry_delay(attempt, response)
            self.notify(f"{artifact.name}: {error}; retrying in {delay:.1f} s ({attempt + 1} of {self.retries})")
            time.sleep(delay)
        raise AssertionError  # pragma: no cover -- the loop returns or raises

    def _upload_result(self, artifact: Artifact, credentials: Credentials, response: httpx2.Response) -> Status:
        if response.status_code in {200, 201}:
            return Status.UPLOADED
        if response.status_code == 409 or (  # noqa: PLR2004
            response.status_code == 400 and "already exists" in self._message(response).lower()  # noqa: PLR2004
        ):
            files, _ = self.existing_files(artifact.project, lambda: credentials)
            if files.get(artifact.name) == artifact.sha256:
                return Status.EXISTS
            if artifact.name in files:
                raise PublishError(different_file(artifact, self.project_url(artifact.project)))
        if response.is_redirect:
            target = redact_url(urljoin(self.repository.url, response.headers.get("Location", "")))
            message = (
                f"the index answered the upload with a redirect to {target} ({response.status_code}); "
                "check the repository's upload URL (a missing trailing slash, or a login page)"
            )
            raise PublishError(message)
        hint = ""
        if response.status_code in {401, 403}:
            hint = f" (the index refused the credentials of user {credentials.username!r}: check the password or token)"
        raise PublishError(self.describe(response) + hint)

    # --- plumbing ---------------------------------------------------------------------------------------------------

    def _get(self, url: str, credentials: Credentials | None, *, retry: bool = True) -> httpx2.Response:
        return self.request("GET", url, credentials, retry=retry, headers={"Accept": SIMPLE_ACCEPT})

    def request(
        self, method: str, url: str, credentials: Credentials | None = None, *, retry: bool = True, **kwargs: Any
    ) -> httpx2.Response:
        """A request (not an upload) that retries connection failures, 429 and 5xx, with this repository's TLS
        settings; network failures become a PublishError naming the URL."""
        import httpx2

        retries = self.retries if retry else 0
        for attempt in range(retries + 1):
            response = None
            try:
                response = self._send(method, url, credentials, **kwargs)
            except httpx2.TimeoutException:
                raise PublishError(self._timeout_message(url)) from None
            except httpx2.HTTPError as e:
                if attempt == retries or _is_tls_failure(e):
                    raise PublishError(self._network_message(url, e)) from None
                error = self._network_message(url, e)
            else:
                if not _is_transient(response.status_code) or attempt == retries:
                    return response
                error = self.describe(response)
            delay = self._retry_delay(attempt, response)
            where = "" if redact_url(url) in error else f"{redact_url(url)}: "  # a network error names it already
            self.notify(f"{where}{error}; retrying in {delay:.1f} s ({attempt + 1} of {retries})")
            time.sleep(delay)
        raise AssertionError  # pragma: no cover -- the loop returns or raises

    def _send(self, method: str, url: str, credentials: Credentials | None, **kwargs: Any) -> httpx2.Response:
        """One request; the password is revealed only for it, and httpx2's errors pass through. `-v` shows each
        request's method, URL and status; `-vv` also the body of a failure, scrubbed."""
        import httpx2

        started = time.monotonic()
        if credentials is None:
            response = self.client.request(method, url, **kwargs)
        else:
            auth = httpx2.BasicAuth(credentials.username, credentials.password.reveal())
            try:
                response = self.client.request(method, url, auth=auth, **kwargs)
            finally:
                del auth  # no revealed secret lingers in this frame's locals for a debug traceback
        if self.verbosity >= 1:
            self.debug(f"{method} {redact_url(url)} -> {response.status_code} ({time.monotonic() - started:.2f} s)")
        if self.verbosity >= 2 and response.status_code >= 400:  # noqa: PLR2004
            self.debug(f"  {response.status_code} body: {scrub(response.text[:4000], tuple(self.secrets))}")
        return response

    def _retry_delay(self, attempt: int, response: httpx2.Response | None) -> float:
        """Exponential backoff with jitter, or the server's Retry-After when it asks for longer."""
        delay = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt) * random.uniform(1.0, 1.25)  # noqa: S311
        if response is not None:
            delay = max(delay, _retry_after(response.headers.get("Retry-After")))
        return min(delay, RETRY_AFTER_CAP)

    def _timeout_message(self, url: str) -> str:
        return f"{redact_url(url)} did not answer within {self.timeout:g} s (option `timeout`)"

    def _network_message(self, url: str, error: Exception) -> str:
        reason = scrub(str(error) or type(error).__name__, tuple(self.secrets))
        message = f"could not reach {redact_url(url)}: {reason}"
        if "CERTIFICATE_VERIFY_FAILED" in reason or "certificate verify failed" in reason.lower():
            host = urlsplit(url).hostname
            message += (
                f". The certificate of {host} is not trusted: if the index uses a private certificate authority, "
                "give its CA bundle with the option `ca-cert` (or HATCH_INDEX_CA_CERT)"
            )
        return message

    def _message(self, response: httpx2.Response) -> str:
        return scrub(extract_message(response), tuple(self.secrets))

    def describe(self, response: httpx2.Response) -> str:
        """`403 Forbidden: <the server's own words>`."""
        status = f"{response.status_code} {_standard_reason(response.status_code)}".strip()
        message = self._message(response)
        return f"{status}: {message}" if message else status


def _is_tls_failure(error: BaseException) -> bool:
    """A certificate or handshake failure: trying again cannot help."""
    import ssl

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in str(seen) or "CERTIFICATE" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _is_transient(status: int) -> bool:
    """Worth another try: 408 Request Timeout, 429 Too Many Requests, and server errors."""
    return status in {408, 429} or 500 <= status < 600  # noqa: PLR2004


def _retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); 0 when absent or unreadable."""
    if not value:
        return 0.0
    if value.strip().isdigit():
        return float(value.strip())
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    import datetime

    return max(0.0, (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


def _same_origin(left: str, right: str) -> bool:
    a, b = urlsplit(left), urlsplit(right)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def parse_simple_page(response: httpx2.Response) -> dict[str, str | None]:
    """File name -> sha256 from a PEP 691 JSON or PEP 503 HTML project page."""
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
    from hatch_custom_index.html_pages import simple_page_links

    return simple_page_links(response.text)


def _lower(digest: object) -> str | None:
    return digest.lower() if isinstance(digest, str) and digest else None


def extract_message(response: httpx2.Response) -> str:
    """The server's own explanation: JSON `message`/`detail`/`code`, else the text of an HTML or plain body."""
    text = ""
    try:
        text = response.text
    except Exception:  # noqa: BLE001 -- an undecodable body has no message to show
        text = ""
    content_type = response.headers.get("Content-Type", "").lower()
    message = ""
    if "json" in content_type:
        message = _json_message(text)
    elif "html" in content_type or text.lstrip().startswith("<"):
        from hatch_custom_index.html_pages import visible_text

        message = visible_text(text)
    else:
        message = " ".join(text.split())
    message = _without_status(message, response.status_code)
    reason = response.reason_phrase or ""
    # Warehouse puts its explanation in the reason phrase ("400 File already exists ..."); HTTP/2 has none.
    if reason and reason not in message and not _is_standard_reason(response.status_code, reason):
        message = f"{reason}. {message}".strip(". ") if message else reason
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[:MAX_MESSAGE_CHARS].rstrip() + " …"
    return message


def _standard_reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _is_standard_reason(status: int, reason: str) -> bool:
    """Python's and httpx2's wordings differ for some codes (413, 422); both are only the status line."""
    import httpx2

    return reason.lower() in {_standard_reason(status).lower(), httpx2.codes.get_reason_phrase(status).lower()}


def _without_status(message: str, status: int) -> str:
    """Drop a leading `Error: 403 Forbidden` that only repeats the status line."""
    pattern = rf"^(error\W*)?{status}\b\W*({re.escape(_standard_reason(status))}\b\W*)?"
    return re.sub(pattern, "", message, flags=re.IGNORECASE).strip() if message else message


def _json_message(text: str) -> str:
    try:
        body = json.loads(text)
    except ValueError:
        return " ".join(text.split())
    if not isinstance(body, dict):
        return " ".join(text.split())
    message = next((str(body[key]) for key in ("message", "detail", "title") if body.get(key)), "")
    code = str(body.get("code") or "")
    if code and code not in message and message not in code and not code[:3].isdigit():
        message = f"{message} (code {code})".strip()
    errors = body.get("errors")
    if isinstance(errors, list):
        details = [
            f"{error.get('code', '')}: {error.get('description', '')}".strip(": ")
            for error in errors
            if isinstance(error, dict)
        ]
        message = "; ".join(part for part in (message, *details) if part)
    return message or " ".join(text.split())
