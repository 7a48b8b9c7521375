"""The index's answers read into words for a person: the server's own explanation, network failures, hints."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx2

from hatch_custom_index.errors import redact_url
from hatch_custom_index.html_pages import visible_text
from hatch_custom_index.text import continued

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_MESSAGE_CHARS = 500
REDACTION_MARGIN = 4096  # characters past a cut that are scrubbed too: more than any secret's encoded form


def describe(response: httpx2.Response, redact: Callable[[str], str]) -> str:
    """`403 Forbidden: <the server's own words>`, without any secret."""
    status = f"{response.status_code} {_standard_reason(response.status_code)}".strip()
    message = extract_message(response, redact)
    return f"{status}: {message}" if message else status


def network_failure(url: str, error: Exception, redact: Callable[[str], str], proxy: str | None = None) -> str:
    """`could not reach URL [through the proxy P]: why`, with where to give a CA bundle when the certificate was not
    trusted; a failing proxy is named as what failed."""
    reason = continued(redact(str(error) or type(error).__name__))
    route = f" through the proxy {proxy} (from the environment: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY)" if proxy else ""
    message = f"could not reach {redact_url(url)}{route}: {reason}"
    if "CERTIFICATE_VERIFY_FAILED" in reason or "certificate verify failed" in reason.lower():
        host = urlsplit(url).hostname
        message += (
            f". The certificate of {host} is not trusted: if the index uses a private certificate authority, "
            "give its CA bundle with the option `ca-cert` (or HATCH_INDEX_CA_CERT)"
        )
    return message


def silence(url: str, timeout: float) -> str:
    return f"{redact_url(url)} did not answer within {timeout:g} s (option `timeout`)"


def extract_message(response: httpx2.Response, redact: Callable[[str], str] = lambda text: text) -> str:
    """The server's own explanation: JSON `message`/`detail`/`code`, else the text of an HTML or plain body; secrets
    removed (before it is cut short) and control characters made harmless."""
    try:
        text = response.text
    except Exception:  # noqa: BLE001 -- an undecodable body has no message to show
        text = ""
    content_type = response.headers.get("Content-Type", "").lower()
    if "json" in content_type:
        message = _json_message(text)
    elif "html" in content_type or text.lstrip().startswith("<"):
        message = visible_text(text)
    else:
        message = " ".join(text.split())
    message = _without_status(message, response.status_code)
    reason = response.reason_phrase or ""
    # Warehouse puts its explanation in the reason phrase ("400 File already exists ..."); HTTP/2 has none.
    if reason and reason not in message and not _is_standard_reason(response.status_code, reason):
        message = f"{reason}. {message}".strip(". ") if message else reason
    # Secrets out of a bounded prefix (a secret's longest form is far shorter than the margin), then the cut.
    message = continued(redact(message[: MAX_MESSAGE_CHARS + REDACTION_MARGIN]))
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[:MAX_MESSAGE_CHARS].rstrip() + " …"
    return message


def _standard_reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _is_standard_reason(status: int, reason: str) -> bool:
    """Python's and httpx2's wordings differ for some codes (413, 422); both are only the status line."""
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
