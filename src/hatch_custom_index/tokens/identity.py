"""What the exchanges of the CI's identity token (trusted publishing) share: the CI that gives the token (via `id`),
whether to ask it at all, https only, a minted token kept secret and masked in GitHub's log (`::add-mask::`), and the
message when an index refuses the identity token.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import id as oidc

from hatch_custom_index.errors import Secret, TrustedPublishingError, redact_url, scrub
from hatch_custom_index.model import Decision, NotMinted
from hatch_custom_index.settings import TrustedPublishingMode
from hatch_custom_index.text import printable
from hatch_custom_index.transport import is_loopback

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx2

    from hatch_custom_index.index import IndexClient
    from hatch_custom_index.settings import Settings

TRUSTED = "trusted publishing"  # where the chain says credentials minted this way came from
# The identity token's claims that say which workflow is publishing; none of them is a secret.
SHOWN_CLAIMS = ("sub", "repository", "ref", "workflow_ref", "environment", "project_path", "ci_config_ref_uri")


@dataclass(frozen=True)
class Context:
    """What an exchange works with: the index's client (its requests, its redactor), option `trusted-publishing`, and
    where GitHub's `::add-mask::` commands are printed."""

    client: IndexClient
    mode: TrustedPublishingMode
    mask: Callable[[str], None]

    @property
    def url(self) -> str:
        """The repository's upload URL."""
        return self.client.repository.url

    @property
    def settings(self) -> Settings:
        return self.client.repository.settings

    @property
    def origin(self) -> str:
        url = urlsplit(self.url)
        return f"{url.scheme}://{url.netloc}"


class IdentityExchange:
    """An exchange of the CI's identity token at an index (trusted publishing). In `auto` mode, an index or CI that
    cannot give a token is not an error, but a `NotMinted` saying why (for the "no password" error)."""

    source = TRUSTED
    trusted = True

    def __init__(self, context: Context) -> None:
        self.context = context

    def wanted(self, username: str | None) -> Decision:
        """In `auto`, only for `__token__` (or no username) in a CI that can give an identity token."""
        mode = self.context.mode
        if mode is TrustedPublishingMode.NEVER:
            return Decision(wanted=False, reason="trusted publishing (off: option `trusted-publishing` is never)")
        if mode is TrustedPublishingMode.ALWAYS:
            return Decision(wanted=True)
        if username not in {None, "__token__"}:
            return Decision(False, f"trusted publishing (not tried: the username is {username!r}, not __token__)")
        if ci_provider() is None:
            return Decision(wanted=False, reason="trusted publishing (no CI identity token here)")
        return Decision(wanted=True)

    def preview(self) -> str | None:
        if not self.wanted(None).wanted:
            return None
        return "trusted publishing (a real run exchanges the CI's identity token at the index)"

    def identity_token(self, audience: str) -> Secret | NotMinted:
        """The CI's identity token for `audience`, from the `id` package."""
        provider = ci_provider() or "this machine"
        try:
            token = oidc.detect_credential(audience)
        except oidc.IdentityError as e:
            message = f"trusted publishing: no identity token from {provider}: {identity_failure(e)}"
            raise TrustedPublishingError(message) from None
        if token is None:
            return self.unavailable(
                f"trusted publishing: no identity token from {provider} (run it in GitHub Actions with "
                "`permissions: id-token: write`, GitLab CI with `id_tokens`, Google Cloud, Buildkite or CircleCI)"
            )
        return Secret(token)

    def keep(self, token: str) -> Secret:
        """A minted token: redacted from all output, and masked in GitHub's log; one that could forge a line there
        (not printable ASCII, or with whitespace) is refused unseen."""
        secret = Secret(token)
        self.context.client.redact.add(secret)
        if not is_plain_token(token):
            message = (
                f"trusted publishing: the token minted at {redact_url(self.context.origin)} is not printable ASCII "
                "without whitespace, as every upload token is; it was not used (nor shown). Check what answers there"
            )
            raise TrustedPublishingError(message)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            self.context.mask(f"::add-mask::{token}")
        return secret

    def refusal(self, url: str, response: httpx2.Response, identity: Secret, details: str, configured: str) -> str:
        """Why the index refused the identity token: its words, and the token's claims to check against."""
        described = self.context.client.describe(response)
        claims = ", ".join(f"{key}={value!r}" for key, value in claims_of(identity).items() if key in SHOWN_CLAIMS)
        message = (
            f"trusted publishing: {redact_url(url)} refused the identity token ({described})"
            + (f"\n  {details}" if details and details not in described else "")
            + (f"\n  The token says: {claims}" if claims else "")
            + f"\n  Check {configured} on the index against these claims"
        )
        return printable(scrub(message, (identity,)))

    def unavailable(self, reason: str) -> NotMinted:
        """No token here: an error in `always` mode, else why not."""
        if self.context.mode is TrustedPublishingMode.ALWAYS:
            raise TrustedPublishingError(reason + " (option `trusted-publishing` is always)")
        return NotMinted(f"trusted publishing ({reason.removeprefix('trusted publishing: ')})")


def identity_failure(error: BaseException) -> str:
    """Why the CI gave no identity token, in `id`'s words without GitHub's request token, and what to do when the job
    lacks the permission."""
    reason = scrub(str(error), (os.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),))
    if isinstance(error, oidc.GitHubOidcPermissionCredentialError):
        reason += "; give the job `permissions: id-token: write`"
    return reason


def ci_provider(environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """The CI whose identity token the `id` package can fetch here, if any, tried in `id.detect_credential`'s order."""
    if environ.get("GITHUB_ACTIONS"):
        return "GitHub Actions"
    if environ.get("GOOGLE_SERVICE_ACCOUNT_NAME") or _on_google_cloud():
        return "Google Cloud"
    if environ.get("BUILDKITE"):
        return "Buildkite"
    if environ.get("GITLAB_CI"):
        return "GitLab CI/CD"
    if environ.get("CIRCLECI"):
        return "CircleCI"
    return None


def _on_google_cloud() -> bool:
    try:
        with open("/sys/class/dmi/id/product_name", encoding="utf-8") as product:
            return product.read().strip() in {"Google", "Google Compute Engine"}
    except OSError:
        return False


def require_https(url: str) -> None:
    """The identity token goes only over https, or to this machine."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not is_loopback(parts.hostname):
        message = f"trusted publishing needs https: {redact_url(url)} is plain http to another machine"
        raise TrustedPublishingError(message)


def is_plain_token(token: str) -> bool:
    """Printable ASCII without whitespace: what any upload token is, and what cannot forge a line in a CI's log."""
    return bool(token) and token.isascii() and token.isprintable() and not any(c.isspace() for c in token)


def json_of(response: httpx2.Response) -> dict[str, object]:
    """An answer's JSON object, or an empty one."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def list_of(value: object) -> list[object]:
    """`value` when an answer gave a list there, else an empty one."""
    return value if isinstance(value, list) else []


def claims_of(identity: Secret) -> dict[str, object]:
    """A token's payload, unverified: shown only to explain a refusal, or to name the user it stands for."""
    try:
        payload = identity.reveal().split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}
