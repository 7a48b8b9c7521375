"""HTTP with one index: what it already holds (the simple API), uploads, and other requests, each with one retry
policy, this repository's TLS settings, and every secret kept out of what is shown."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import httpx2

from hatch_custom_index.__about__ import __version__
from hatch_custom_index.digests import upload_digests
from hatch_custom_index.errors import (
    ArtifactError,
    ConfigurationError,
    DifferentFileError,
    IndexRefusedError,
    IndexUnreachableError,
    PublishError,
    Redactor,
    redact_url,
)
from hatch_custom_index.index.auth import SourcedAuth
from hatch_custom_index.index.deadline import PASSED, deadline, install
from hatch_custom_index.index.messages import REDACTION_MARGIN, describe, network_failure, silence
from hatch_custom_index.index.retry import Failure, RetryPolicy, is_transient
from hatch_custom_index.index.simple import SIMPLE_ACCEPT, parse_simple_page
from hatch_custom_index.model import Credentials, Holdings, Listed, NoPage, Status, Unreadable
from hatch_custom_index.multipart import UploadBody
from hatch_custom_index.plan import different_file
from hatch_custom_index.text import continued
from hatch_custom_index.transport import proxy_for, ssl_context
from hatch_custom_index.urls import child, is_public_simple_page, same_origin

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.repositories import Repository

UPLOAD_ACCEPT = "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7"
MAX_REDIRECTS = 5
MAX_BODY_SHOWN = 4000  # characters of a failed answer's body shown with -vv
MAX_SIGN_IN_PAGE = 100_000  # characters of a 200 HTML answer looked at for a password form
MIN_SEND_RATE = 10_000  # bytes a second: the slowest upload a deadline allows for
CONFIRM_POLL = 2.0  # seconds: the longest wait between two reads of a page that does not list an upload yet
MAX_ANSWER_BYTES = 64 * 2**20  # the largest answer read, decompressed: PyPI's largest project pages are a few MiB


@dataclass(frozen=True)
class IndexFacts:
    """What the index revealed about itself: the simple API's root that answers, and whether it is devpi-server."""

    simple_url: str
    is_devpi: bool = False

    def project_url(self, project: str) -> str:
        return f"{self.simple_url}{project}/"


# How indexes answer a file they already hold: PyPI and pypiserver 400 or 409, CodeArtifact and Azure 409,
# Artifactory 403, Nexus 400. Each is "already exists" only when the simple API then lists the same sha256.
REUPLOAD_ANSWERS = frozenset({400, 403, 409})


@dataclass(frozen=True)
class Confirmation:
    """The read-back of uploaded files: those the index was read and does not list (`unlisted`), and, by name, why
    the others could not be looked for (`unknown`): those may well be on the index."""

    unlisted: list[Artifact]
    unknown: Mapping[str, str] = field(default_factory=dict)


class IndexClient:
    """One connection pool to one repository."""

    def __init__(
        self,
        repository: Repository,
        *,
        redact: Redactor,
        notify: Callable[[str], None] = lambda _message: None,
        debug: Callable[[str], None] = lambda _message: None,
        verbosity: int = 0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.repository = repository
        self.timeout = repository.settings.timeout
        self.policy = policy or RetryPolicy(repository.settings.retries)
        self.redact = redact
        self.notify = notify
        self.debug = debug
        self.verbosity = verbosity
        # Built now: a CA bundle or client certificate that cannot be used is an error before any request.
        verify = ssl_context(repository)
        try:
            self.client = httpx2.Client(
                headers={"User-Agent": f"hatch-custom-index/{__version__} httpx2/{httpx2.__version__}"},
                timeout=self.timeout,
                verify=verify,
                follow_redirects=False,
            )
        except (ValueError, ImportError, httpx2.InvalidURL) as e:  # the environment's proxies, read by httpx2 here
            message = (
                f"a proxy that the environment names cannot be used ({redact(str(e))}): check HTTPS_PROXY, HTTP_PROXY "
                "and ALL_PROXY (http://[user:password@]host:port)"
            )
            raise ConfigurationError(message) from None
        install(self.client)  # a whole-request deadline beside the per-read timeouts (httpx2 has no public hook)
        self._roots: dict[str, bool] = {}  # simple API root -> whether it answers as one
        self.facts = IndexFacts(repository.simple_url)  # what the index revealed, kept as it is learnt
        self.digest_fields = upload_digests(repository.url, repository.settings)  # md5 only where it is needed

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> IndexClient:  # noqa: PYI034 -- typing.Self needs Python 3.11
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- what the index already holds -------------------------------------------------------------------------------

    def existing_files(
        self, project: str, credentials: Callable[[], Credentials | None], *, retry: bool = True
    ) -> Holdings:
        """`project`'s files on the index. `credentials` is asked only when the index refuses an anonymous read of
        the simple API it names (never of another origin that a redirect leads to). What the answer reveals (devpi's
        `+simple/`, found by the first check) is kept in `facts`."""
        facts = self.facts
        url = facts.project_url(project)
        try:
            response, read = self._get_simple(url, None, retry=retry)
            is_devpi = facts.is_devpi or "x-devpi-server-version" in response.headers
            devpi_found_now = is_devpi and not facts.is_devpi and self.repository.simple_api.under_upload_url
            if devpi_found_now and response.status_code == httpx2.codes.NOT_FOUND:
                facts = IndexFacts(child(self.repository.url, "+simple/"), is_devpi=True)
                url = facts.project_url(project)
                response, read = self._get_simple(url, None, retry=retry)
            facts = self.facts = IndexFacts(facts.simple_url, is_devpi)
            sent = None
            if response.status_code in {401, 403} and same_origin(read, url):
                sent = credentials()
                if sent is not None:
                    response, read = self._get_simple(url, sent, retry=retry)
        except IndexUnreachableError as e:
            message = f"could not check {redact_url(url)} for files already there: {e}"
            raise IndexUnreachableError(message) from None
        except PublishError as e:
            return Unreadable(str(e))
        if response.status_code == httpx2.codes.PROXY_AUTHENTICATION_REQUIRED:
            proxy = proxy_for(url) or "in front of the index"
            message = (
                f"the proxy {proxy} asked for authentication (407) when {redact_url(url)} was checked for files "
                "already there: give its credentials in the proxy's URL (http://user:password@host:port)"
            )
            raise IndexUnreachableError(message)
        if response.is_redirect:
            target = urljoin(read, response.headers.get("Location", ""))
            if is_public_simple_page(target):  # pypiserver's fallback to pypi.org for projects it lacks
                return Listed({})
            problem = f"could not check {redact_url(url)} for files already there: more than {MAX_REDIRECTS} redirects"
            return Unreadable(problem)
        if response.status_code == httpx2.codes.NOT_FOUND:
            return NoPage()
        if response.status_code != httpx2.codes.OK:
            problem = f"could not check {redact_url(read)} for files already there: {self.describe(response)}"
            refused = sent is not None and response.status_code == httpx2.codes.UNAUTHORIZED
            return Unreadable(problem, forbidden=response.status_code in {401, 403}, credentials_refused=refused)
        try:
            return Listed(parse_simple_page(response))
        except ValueError as e:
            return Unreadable(f"could not read {redact_url(read)}: {e}")

    def holds(self, artifact: Artifact, credentials: Credentials) -> bool:
        """Whether the index has this very file (same name and sha256): after an upload whose answer was lost. An
        index that cannot be asked does not hold it, as far as anyone can tell."""
        try:
            holdings = self.existing_files(artifact.project, lambda: credentials, retry=False)
        except IndexUnreachableError:
            return False
        return isinstance(holdings, Listed) and holdings.files.get(artifact.name) == artifact.sha256

    def confirm(self, uploaded: list[Artifact], credentials: Credentials, wait: float) -> Confirmation:
        """Read back the files just uploaded: those the index does not list (with their sha256, where it gives hashes)
        are asked for again, with backoff, for up to `wait` seconds (an index behind a CDN, or one that stores an
        accepted file a moment later, as Pulp does). A page that cannot be read, or a simple API that is not where it
        was looked for, makes the rest unknown, never "not stored"."""
        pending, waited, attempt = list(uploaded), 0.0, 0
        unread: dict[str, str] = {}  # project -> why its page could not be read at the last try
        while True:
            for project in dict.fromkeys(artifact.project for artifact in pending):
                try:
                    holdings = self.existing_files(project, lambda: credentials, retry=False)
                except IndexUnreachableError as e:  # another try would wait for the same silence: stop here
                    return Confirmation([], {artifact.name: str(e) for artifact in pending})
                if isinstance(holdings, NoPage) and not self.serves_simple_api(credentials):
                    missing = self._simple_api_missing(project)
                    return Confirmation([], {artifact.name: missing for artifact in pending})
                if isinstance(holdings, Unreadable):
                    unread[project] = holdings.reason
                    continue
                unread.pop(project, None)
                files = holdings.files if isinstance(holdings, Listed) else {}
                pending = [a for a in pending if a.project != project or files.get(a.name, "") not in {a.sha256, None}]
            if not pending or waited >= wait:
                unknown = {a.name: unread[a.project] for a in pending if a.project in unread}
                return Confirmation([a for a in pending if a.name not in unknown], unknown)
            # Backoff, but asked at least every CONFIRM_POLL seconds; the waits add up to `wait` (injected sleeps too).
            pause = min(wait - waited, self.policy.delay(attempt), CONFIRM_POLL)
            self.policy.sleep(pause)
            waited, attempt = waited + pause, attempt + 1

    def serves_simple_api(self, credentials: Credentials | None) -> bool:
        """Whether the simple API's root answers (asked once): a project page's 404 means "no such file" only then."""
        facts = self.facts
        if facts.simple_url not in self._roots:
            try:
                response, _ = self._get_simple(facts.simple_url, None, retry=False, read=False)
                if response.status_code in {401, 403} and credentials is not None:
                    response, _ = self._get_simple(facts.simple_url, credentials, retry=False, read=False)
            except PublishError:
                return False  # not cached: a passing failure
            self._roots[facts.simple_url] = response.status_code == httpx2.codes.OK
        return self._roots[facts.simple_url]

    def _simple_api_missing(self, project: str) -> str:
        facts = self.facts
        return (
            f"the index's simple API was not found at {redact_url(facts.simple_url)} ({redact_url(facts.project_url(project))}"
            " and the root both answered otherwise than a simple API does); set `simple-url` to where the index lists "
            "its files"
        )

    def _get_simple(
        self, url: str, credentials: Credentials | None, *, retry: bool, read: bool = True
    ) -> tuple[httpx2.Response, str]:
        """GET a simple page, and the URL that answered: redirects are followed, to another origin without the
        credentials (a CDN, a mirror), but not to a public index's simple API (pypiserver's fallback to pypi.org
        for projects it lacks: that page is not this index's)."""
        for _ in range(MAX_REDIRECTS):
            response = self.request("GET", url, credentials, retry=retry, headers={"Accept": SIMPLE_ACCEPT}, read=read)
            if not response.is_redirect:
                return response, url
            target = urljoin(url, response.headers.get("Location", ""))
            if is_public_simple_page(target) and not self.repository.is_public:
                return response, url
            if not same_origin(target, url):
                credentials = None
            url = target
        return response, url

    # --- uploads ----------------------------------------------------------------------------------------------------

    def upload(
        self,
        artifact: Artifact,
        credentials: Callable[[], Credentials],
        *,
        attestations: bool = False,
        progress: Callable[[int | None], None] | None = None,
    ) -> Status:
        """Upload one file, retrying what failed on the way: UPLOADED or EXISTS, or an error with the server's
        words. Before sending again what may have reached the index, ask the index whether it holds the file.
        `credentials` is asked at every attempt (a minted token about to lapse is minted afresh); `progress` is told
        each attempt's start (None) and then the bytes of the file as they go."""
        fields = artifact.form_fields(attestations=attestations)
        url = self.repository.url
        for attempt in range(self.policy.retries + 1):
            if progress is not None:
                progress(None)
            body = UploadBody(
                fields, artifact.path, artifact.name, artifact.digests, progress, artifact.checked, self.digest_fields
            )
            headers = {"Accept": UPLOAD_ACCEPT, "Content-Type": body.content_type, "Content-Length": str(body.length)}
            try:
                response = self._send("POST", url, credentials, headers=headers, content=body)
            except OSError as e:  # the file itself: gone or changed while it was being sent
                message = f"{artifact.path}: {e.strerror or e}"
                raise ArtifactError(message) from None
            except httpx2.HTTPError as e:
                failure = self.policy.failure(e, self._network_message(url, e))
            else:
                artifact.record_digests(body.digests)
                if not is_transient(response.status_code):
                    return self._upload_result(artifact, credentials(), response)
                failure = Failure(self.describe(response), reached=True, final=False, response=response)
            if failure.reached and self.holds(artifact, credentials()):
                return Status.UPLOADED
            self._before_retry(attempt, failure, f"{artifact.name}: ")
        raise AssertionError  # pragma: no cover -- the loop returns or raises

    def _upload_result(self, artifact: Artifact, credentials: Credentials, response: httpx2.Response) -> Status:
        if response.is_success:  # 202 too (Pulp stores the file a moment later): the read-back decides
            if _is_sign_in_page(response):
                message = (
                    f"the upload was answered by a sign-in page ({response.status_code}, HTML with a password form), "
                    "not by the index: a single-sign-on proxy in front of it? Check the upload URL, and that the "
                    "network path to the index lets an API client through"
                )
                raise IndexRefusedError(message, response.status_code)
            return Status.UPLOADED
        if response.status_code in REUPLOAD_ANSWERS:  # what the index holds decides, never its wording
            try:
                holdings = self.existing_files(artifact.project, lambda: credentials, retry=False)
            except IndexUnreachableError as e:
                holdings = Unreadable(str(e))
            files = holdings.files if isinstance(holdings, Listed) else {}
            if files.get(artifact.name) == artifact.sha256:
                return Status.EXISTS
            if artifact.name in files:
                message = different_file(
                    artifact, self.facts.project_url(artifact.project), public=self.repository.is_public
                )
                raise DifferentFileError(message, response.status_code)
            unread = holdings.reason if isinstance(holdings, Unreadable) else None
            if isinstance(holdings, NoPage) and not self.serves_simple_api(credentials):
                unread = self._simple_api_missing(artifact.project)
            if unread and response.status_code not in {401, 403}:  # those are about the credentials: said below
                message = f"{self.describe(response)} (whether the index holds this very file is unknown: {unread})"
                raise IndexRefusedError(message, response.status_code)
        if response.is_redirect:
            target = redact_url(urljoin(self.repository.url, response.headers.get("Location", "")))
            message = (
                f"the index answered the upload with a redirect to {target} ({response.status_code}); "
                "check the repository's upload URL (a missing trailing slash, or a login page)"
            )
            raise IndexRefusedError(message, response.status_code)
        hint = ""
        if response.status_code in {401, 403}:
            hint = f" (the index refused the credentials of user {credentials.username!r}: check the password or token)"
            if credentials.username == "__token__" and not self.repository.is_public:
                hint = (
                    " (the index refused the credentials of user '__token__', PyPI's name for an API token: this index "
                    'may want your own username: pass `-u USER`, or set `user = "..."` in its repos table)'
                )
        raise IndexRefusedError(self.describe(response) + hint, response.status_code)

    # --- plumbing ---------------------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        credentials: Credentials | None = None,
        *,
        retry: bool = True,
        read: bool = True,
        headers: Mapping[str, str] | None = None,
        json: object = None,
    ) -> httpx2.Response:
        """A request (not an upload) that retries what the policy retries, with this repository's TLS settings;
        when the tries run out, the last answer is returned, or a network failure raised naming the URL."""
        retries = self.policy.retries if retry else 0
        for attempt in range(retries + 1):
            try:
                response = self._send(method, url, credentials, read=read, headers=headers, json=json)
            except httpx2.HTTPError as e:
                failure = self.policy.failure(e, self._network_message(url, e))
            else:
                if not is_transient(response.status_code) or attempt == retries:
                    return response
                failure = Failure(self.describe(response), reached=True, final=False, response=response)
            where = "" if redact_url(url) in failure.message else f"{redact_url(url)}: "
            self._before_retry(attempt, failure, where, retries)
        raise AssertionError  # pragma: no cover -- the loop returns or raises

    def _before_retry(self, attempt: int, failure: Failure, prefix: str, retries: int | None = None) -> None:
        """Give up (the failure is final, or the tries ran out), or announce the retry and wait for it."""
        retries = self.policy.retries if retries is None else retries
        if failure.final or attempt >= retries:
            tries = f" (tried {attempt + 1} times)" if attempt else ""
            error = IndexUnreachableError if failure.response is None else IndexRefusedError
            raise error(failure.message + tries)
        delay = self.policy.delay(attempt, failure.response)
        self.notify(f"{prefix}{failure.message}; retrying in {delay:.1f} s ({attempt + 1} of {retries})")
        self.policy.sleep(delay)

    def _send(
        self,
        method: str,
        url: str,
        credentials: Credentials | Callable[[], Credentials] | None,
        *,
        read: bool = True,
        headers: Mapping[str, str] | None = None,
        json: object = None,
        content: Iterable[bytes] | None = None,
    ) -> httpx2.Response:
        """One request; the password is revealed only for it, and httpx2's errors pass through. `-v` shows each
        request's method, URL and status; `-vv` also the body of a failure, without secrets. Without `read`, only the
        status and headers are wanted: the body is left unread (a simple API's root may be many megabytes)."""
        started = time.monotonic()
        request = self.client.build_request(method, url, headers=headers, json=json, content=content)
        size = int(request.headers.get("Content-Length", "0"))
        with deadline(self.deadline(size)):
            if credentials is None:
                response = self.client.send(request, stream=True)
            else:
                source = credentials if callable(credentials) else lambda: credentials
                response = self.client.send(request, auth=SourcedAuth(source), stream=True)
            try:
                answer = self._read(response, url) if read else response
            finally:
                response.close()
            response = answer
        if self.verbosity >= 1:
            self.debug(f"{method} {redact_url(url)} -> {response.status_code} ({time.monotonic() - started:.2f} s)")
        if self.verbosity >= 2 and response.is_error and read:  # noqa: PLR2004 -- -vv
            # Secrets out before the cut, over a bounded prefix: an error body may be up to MAX_ANSWER_BYTES.
            body = continued(self.redact(response.text[: MAX_BODY_SHOWN + REDACTION_MARGIN]))[:MAX_BODY_SHOWN]
            self.debug(f"  {response.status_code} body: {body}")
        return response

    def _read(self, response: httpx2.Response, url: str) -> httpx2.Response:
        """Read the answer with bounds: at most MAX_ANSWER_BYTES once decompressed (an endless or gzip-bombed page),
        and all of it within `timeout` seconds of its start (an index that trickles a byte a second)."""
        deadline, size, chunks = time.monotonic() + self.timeout, 0, []
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                message = (
                    f"{redact_url(url)} sent an answer larger than {MAX_ANSWER_BYTES // 2**20} MiB "
                    f"({response.status_code}); that is no index's answer: check the URL"
                )
                raise IndexRefusedError(message, response.status_code)
            if time.monotonic() > deadline:
                message = (
                    f"{redact_url(url)} did not finish its answer within {self.timeout:g} s of starting it "
                    "(option `timeout`)"
                )
                raise IndexUnreachableError(message)
            chunks.append(chunk)
        # The same answer, read: built from the decoded body (which makes it compute a Content-Length), then given the
        # headers as they came (Content-Encoding too: the body is already decoded, and is never decoded again).
        answer = httpx2.Response(
            response.status_code,
            content=b"".join(chunks),
            request=response.request,
            extensions=response.extensions,
            default_encoding=response.default_encoding,
        )
        answer.headers = response.headers
        answer.close()  # as the answer read is: nothing left to read
        return answer

    def deadline(self, size: int) -> float:
        """A whole request's time limit: twice `timeout`, plus a second for every 10 kB it sends."""
        return 2 * self.timeout + size / MIN_SEND_RATE

    def _network_message(self, url: str, error: httpx2.HTTPError) -> str:
        if isinstance(error, httpx2.TimeoutException) and str(error) == PASSED:
            return (
                f"{redact_url(url)} did not complete the request within its deadline (twice the option `timeout`, "
                "plus a second for every 10 kB sent): an index or a proxy that answers a byte at a time?"
            )
        if isinstance(error, httpx2.TimeoutException):
            return silence(url, self.timeout)
        return network_failure(url, error, self.redact, proxy_for(url))

    def describe(self, response: httpx2.Response) -> str:
        """`403 Forbidden: <the server's own words>`."""
        return describe(response, self.redact)


def _is_sign_in_page(response: httpx2.Response) -> bool:
    """An HTML page with a password field: what a single-sign-on proxy answers in place of the index."""
    if "html" not in response.headers.get("Content-Type", "").lower():
        return False
    page = response.text[:MAX_SIGN_IN_PAGE].lower()
    return "<form" in page and "password" in page
